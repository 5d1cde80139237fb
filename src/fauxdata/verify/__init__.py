"""Verify generated data against every constraint the spec declares."""

from fauxdata.verify.checks import Check, Report, verify
from fauxdata.verify.report import print_checklist

__all__ = ["Check", "Report", "print_checklist", "verify"]
