"""Spreadsheet formulas for calculated columns, compiled to vectorized Polars."""

from fauxdata.formula.compiler import Compiled, compile_formula, formula_columns
from fauxdata.formula.syntax import FormulaError, parse

__all__ = ["Compiled", "FormulaError", "compile_formula", "formula_columns", "parse"]
