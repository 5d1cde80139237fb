"""National identity numbers that pass their country's checks: US SSN and Dutch BSN here,
Spain, Italy, France and Brazil in ``national_ids``.

Mock data for a PII column must look valid to the pipeline under test (a BSN column
usually has an 11-proof check somewhere downstream), yet be made up. Each value is built
from one integer in the kind's domain: a random draw for ``generate``, the index itself
for ``unique: true``. The integer's mixed-radix digits become the number's parts, so
distinct integers give distinct numbers and every part is valid by construction, with
no draw ever rejected. All arithmetic is on whole NumPy arrays; there is no row loop.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators import national_ids
from fauxdata.generators.base import Generator, Rows
from fauxdata.generators.text import digits, fixed_width
from fauxdata.spec import generators as g

I64 = npt.NDArray[np.int64]

# US SSN: area 001-899 without 666 (898 values), group 01-99, serial 0001-9999.
_SSN_AREAS = 898
_SSN_GROUPS = 99
_SSN_SERIALS = 9999
_SSN_DOMAIN = _SSN_AREAS * _SSN_GROUPS * _SSN_SERIALS

# NL BSN: first digit 1-9, six free digits, then one of nine eighth digits that keeps the
# weighted sum's remainder mod 11 below 10 (so the ninth digit exists), then the check.
BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_BSN_FREE = 9 * 10**6
_BSN_DOMAIN = _BSN_FREE * 9


SSN_DOMAIN = _SSN_DOMAIN


def ssn_parts(value: I64) -> tuple[I64, I64, I64]:
    """(area, group, serial) of the valid SSN with index ``value`` in [0, SSN_DOMAIN)."""
    serial = value % _SSN_SERIALS + 1
    rest = value // _SSN_SERIALS
    group = rest % _SSN_GROUPS + 1
    area = rest // _SSN_GROUPS + 1
    area = area + (area >= 666)  # skip 666; areas 900-999 are never reached
    return area, group, serial


def ssn_index(area: I64, group: I64, serial: I64) -> I64:
    """The index of valid SSNs: the inverse of ``ssn_parts``."""
    area = area - (area > 666)
    return ((area - 1) * _SSN_GROUPS + group - 1) * _SSN_SERIALS + serial - 1


def ssn(value: I64, *, separators: bool = True) -> pl.Series:
    """SSNs ``AAA-GG-SSSS`` (``AAAGGSSSS`` without separators) for integers in
    [0, 898 * 99 * 9999), one per integer."""
    area, group, serial = ssn_parts(value)
    parts = [digits(area, 3), digits(group, 2), digits(serial, 4)]
    if separators:
        dash = np.full((value.shape[0], 1), ord("-"), dtype=np.uint8)
        parts = [parts[0], dash, parts[1], dash, parts[2]]
    return fixed_width(np.concatenate(parts, axis=1))


def bsn(value: I64) -> pl.Series:
    """9-digit BSNs passing the 11-proof for integers in [0, 81,000,000), one per integer.

    The 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - d9 must be divisible by 11, so d9 is the
    weighted sum of the first eight digits mod 11, which must not be 10. Of the ten
    candidates for d8 (weight 2) exactly one or none gives remainder 10; skipping the
    bad one (or 9 when none is bad) leaves nine choices for every prefix.
    """
    choice = value % 9
    free = value // 9 + 10**6  # d1..d7 from 1000000 to 9999999
    head = digits(free, 7).astype(np.int64) - 48
    partial = head @ BSN_WEIGHTS[:7]
    # 2 * d8 = 10 - partial (mod 11); 6 is the inverse of 2 mod 11.
    bad = ((10 - partial) * 6) % 11
    d8 = choice + (choice >= bad)
    d9 = (partial + 2 * d8) % 11
    number = free * 100 + d8 * 10 + d9
    return fixed_width(digits(number, 9))


def bsn_valid(values: pl.Series) -> npt.NDArray[np.bool_]:
    """Which strings are 9 digits passing the 11-proof (shared with the PII scanner)."""
    text = values.cast(pl.String).fill_null("")
    shaped = text.str.contains(r"^\d{9}$").to_numpy()
    if not shaped.any():
        return shaped
    good = text.filter(pl.Series(shaped))
    matrix = (
        np.frombuffer("".join(good.to_list()).encode("ascii"), dtype=np.uint8)
        .reshape(-1, 9)
        .astype(np.int64)
        - 48
    )
    proof = (matrix[:, :8] @ BSN_WEIGHTS - matrix[:, 8]) % 11 == 0
    out = shaped.copy()
    out[shaped] = proof & (matrix.sum(axis=1) > 0)
    return out


class NationalIdGenerator(Generator):
    """``national_id``: valid numbers of one country, unique on request (every domain
    is enumerable)."""

    kinds = ("national_id",)
    spec: g.NationalId

    def _build(self, value: I64) -> pl.Series:
        country, separators = self.spec.country, self.spec.separators
        match country:
            case "US":
                return ssn(value, separators=separators is not False)
            case "NL":
                return bsn(value)
            case _:
                return national_ids.build(country, value, separators=bool(separators))

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        size = self.domain_size()
        return self._build(self.ctx.stream("national_id", self.spec.country).below(rows, size))

    def domain_size(self) -> int:
        match self.spec.country:
            case "US":
                return _SSN_DOMAIN
            case "NL":
                return _BSN_DOMAIN
            case country:
                return national_ids.DOMAINS[country]

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self._build(np.asarray(index, dtype=np.int64))
