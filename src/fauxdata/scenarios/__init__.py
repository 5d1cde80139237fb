"""Scenario packs: a seeded retail simulation (customers, orders, touches, loyalty, attribution)."""
