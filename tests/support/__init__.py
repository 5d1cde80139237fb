"""Helpers for the tests: real servers started by the tests themselves."""
