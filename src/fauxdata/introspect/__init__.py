"""Read a live schema (never rows, unless a sample is asked for) and suggest a spec."""
