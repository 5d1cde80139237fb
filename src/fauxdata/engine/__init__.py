"""The engine: evaluates resolved tables block by block as columnar arrays."""
