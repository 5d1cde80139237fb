"""Verify generated data against every constraint the spec declares."""

from fauxdata.verify.checks import verify
from fauxdata.verify.report import print_checklist
from fauxdata.verify.result import Check, Report

__all__ = ["Check", "Report", "print_checklist", "verify"]
