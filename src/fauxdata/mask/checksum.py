"""Checksum-aware FPE: masked identifiers that still pass the validators apps run.

Plain FF3-1 (``fauxdata.mask.fpe``) keeps each character's class, but an IBAN comes out
with wrong mod-97 check digits, a card number fails Luhn, a BSN fails the 11-test. With
a scheme, each distinct value is first judged by the PII scanner's own validator
(``fauxdata.pii.patterns``); the valid ones are mapped to valid ones, one to one:

* ``iban``: country code kept, the BBAN encrypted by class (digits stay digits, letters
  stay letters, in place, so the country's format holds), ISO 7064 mod-97 check digits
  recomputed. Only check digits 02-98 count as valid (00, 01 and 99 pass mod 97 too but
  would make two inputs share an output). Where the BBAN carries national check digits
  that python-stdnum checks (Belgium, Spain, Norway, Montenegro) and they hold, they are
  recomputed too (Belgium keeps its bank code, which is looked up in a register); where
  they do not hold, they stay wrong.
* ``luhn``: the first six digits (the issuer's BIN, so the card type stays) kept, the
  middle encrypted, the Luhn digit recomputed.
* ``bsn``: the eight digits before the check digit encrypted, re-encrypted while their
  weighted sum leaves remainder 10 mod 11 (no check digit exists) or they are all zero
  (cycle-walking: about 1.1 rounds on average), then the 11-test digit recomputed. An
  8-digit BSN (a leading zero lost) keeps its length.
* ``ssn``: area, group and serial ranked into [0, 898 * 99 * 9999), the rank encrypted
  as nine digits and re-encrypted while it falls past the last valid SSN (about 1.1
  rounds), then unranked: areas 000, 666 and 900-999, group 00 and serial 0000 never
  come out.

Every value the validator rejects (junk, an IBAN with a wrong check) still goes through
plain FF3-1, re-encrypted while the result would pass the validator, so valid and not
valid values map within their own sets: no value passes through, the mapping stays a
bijection, and decryption knows which way a value went by validating it. Decryption
walks back the same way (re-decrypt while the result lands in the wrong set). Separators
(spaces, dashes, dots) stay in place.
"""

from __future__ import annotations

import string
import threading
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from fauxdata.generators.mock import luhn_digit, mod97
from fauxdata.generators.national_id import BSN_WEIGHTS, SSN_DOMAIN, ssn_index, ssn_parts
from fauxdata.generators.text import digits, fixed_width
from fauxdata.mask.fpe import TextCipher
from fauxdata.mask.hashing import CHAR_CLASS, string_buffers
from fauxdata.mask.keys import MaskKey
from fauxdata.pii import patterns as p

Bytes = npt.NDArray[np.uint8]
Valid = npt.NDArray[np.bool_]

AUTO = {"iban": "iban", "bank_account": "iban", "credit_card": "luhn"}
"""``checksum: auto`` by the column's ``pii:`` category. National ids need ``bsn`` or
``ssn`` spelled out: the category does not say which country's rules hold."""

_ZERO = np.uint8(ord("0"))
_POWERS = 10 ** np.arange(8, -1, -1, dtype=np.int64)


def resolve(checksum: str, pii: str | None) -> str | None:
    """The scheme a mask's ``checksum`` setting means for a column (None: plain FPE)."""
    if checksum == "auto":
        return AUTO.get(pii or "")
    return None if checksum == "none" else checksum


def _mod97(d: Bytes) -> npt.NDArray[np.int64]:
    rem = np.zeros(d.shape[0], dtype=np.int64)
    for j in range(d.shape[1]):
        rem = (rem * 10 + d[:, j]) % 97
    return rem


def _be(free: Bytes) -> tuple[Bytes, Valid]:
    """Belgium: the last two digits are the first ten mod 97 (97 for 0)."""
    check = _mod97(free)
    return _numerals(np.where(check == 0, 97, check), 2), np.ones(len(free), dtype=bool)


_ES_WEIGHTS = np.array([2**i % 11 for i in range(10)], dtype=np.int64)


def _es_digit(d: Bytes) -> npt.NDArray[np.int64]:
    s = (d.astype(np.int64) @ _ES_WEIGHTS[-d.shape[1] :]) % 11
    return np.where(s < 2, s, 11 - s)


def _es(free: Bytes) -> tuple[Bytes, Valid]:
    """Spain: bank and branch (8 digits) and account (10) each get a mod-11 digit,
    written between them; ``free`` is bank, branch and account."""
    first, second = _es_digit(free[:, :8]), _es_digit(free[:, 8:])
    return np.stack([first, second], axis=1).astype(np.uint8), np.ones(len(free), dtype=bool)


_NO_WEIGHTS = np.array([6, 7, 8, 9, 4, 5, 6, 7, 8, 9], dtype=np.int64)


def _no(free: Bytes) -> tuple[Bytes, Valid]:
    """Norway: a mod-11 digit on the first ten; remainder 10 has none (walk on)."""
    check = (free.astype(np.int64) @ _NO_WEIGHTS) % 11
    return _numerals(np.minimum(check, 9), 1), check != 10


def _me(free: Bytes) -> tuple[Bytes, Valid]:
    """Montenegro: the whole BBAN is 1 mod 97 (the two digits below 97)."""
    check = (1 - _mod97(free) * 100) % 97
    return _numerals(check, 2), np.ones(len(free), dtype=bool)


National = Callable[[Bytes], tuple[Bytes, Valid]]
_NATIONAL: dict[bytes, tuple[int, int, int, int, National]] = {
    b"BE": (12, 3, 10, 2, _be),
    b"ES": (20, 0, 8, 2, _es),
    b"NO": (11, 0, 10, 1, _no),
    b"ME": (18, 0, 16, 2, _me),
}
"""Countries whose BBAN carries national check digits (the ones python-stdnum checks):
(BBAN length, leading digits kept, where the check digits sit, how many, the check
digits of the other digits and whether they exist). Their BBANs are all digits.
Belgium keeps its 3-digit bank code, which validators look up in the bank register."""


def _national(m: Bytes) -> list[tuple[npt.NDArray[np.int64], int, int, int, National]]:
    """For each national-check country present in a matrix of compact IBANs of one
    length: its rows and its ``_NATIONAL`` entry."""
    found = []
    cc = np.where(CHAR_CLASS[m[:, :2]] == 3, m[:, :2] - np.uint8(32), m[:, :2])
    for code, (length, keep, at, width, check) in _NATIONAL.items():
        if m.shape[1] - 4 == length:
            rows = np.flatnonzero((cc == np.frombuffer(code, dtype=np.uint8)).all(axis=1))
            if rows.size:
                found.append((rows, keep, at, width, check))
    return found


def _split(bban: Bytes, at: int, width: int) -> tuple[Bytes, Bytes]:
    """(the other digits, the check digits) of all-digit BBANs, as numerals."""
    d = bban - _ZERO
    return np.concatenate([d[:, :at], d[:, at + width :]], axis=1), d[:, at : at + width]


def _numerals(values: npt.NDArray[np.int64], width: int) -> Bytes:
    return digits(values, width) - _ZERO


def _national_ok(bban: Bytes, at: int, width: int, run: National) -> Valid:
    """Which BBANs of one national-check country carry the right check digits."""
    digit = CHAR_CLASS[bban] == 1
    free, found = _split(np.where(digit, bban, _ZERO), at, width)
    want, exists = run(free)
    return digit.all(axis=1) & exists & (want == found).all(axis=1)


def _valid_iban(text: pl.Series) -> Valid:
    """The scanner's IBAN test (mod 97) with check digits 02-98."""
    compact = text.str.replace_all(r"\s", "")
    check = compact.str.slice(2, 2).cast(pl.Int32, strict=False)
    return p.iban(text) & p._np((check >= 2) & (check <= 98))


VALIDATORS: dict[str, Callable[[pl.Series], Valid]] = {
    "iban": _valid_iban,
    "luhn": p.credit_card,
    "bsn": p.bsn,
    "ssn": lambda text: p.ssn(text, loose=True),
}
"""Which values each scheme keeps valid: the PII scanner's validators."""


class ChecksumCipher:
    """FF3-1 that keeps one scheme's identifiers valid; one per (key, domain, scheme).

    ``plain`` is the column's own cipher, for values that are not valid; the valid ones
    go through a cipher of their own (domain ``DOMAIN/SCHEME``).
    """

    @staticmethod
    @lru_cache(maxsize=64)
    def shared(key: MaskKey, domain: str, scheme: str) -> ChecksumCipher:
        return ChecksumCipher(key, domain, scheme)

    def __init__(self, key: MaskKey, domain: str, scheme: str) -> None:
        self.scheme = scheme
        self.valid = VALIDATORS[scheme]
        self.plain = TextCipher.shared(key, domain)
        self.inner = TextCipher.shared(key, f"{domain}/{scheme}")
        self._lock = threading.Lock()
        self.encrypted = 0
        """Distinct values encrypted (per batch), for the rate report."""

    def apply(self, values: pl.Series, decrypt: bool = False) -> tuple[pl.Series, int, int]:
        """(the masked values, rows kept valid, rows not valid to start with); each
        distinct value of the batch once, NULLs kept."""
        arr = values.cast(pl.String).to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        encoded = pc.dictionary_encode(arr.cast(pa.large_string()))
        uniques = encoded.dictionary
        valid = self.valid(pl.Series(pl.from_arrow(uniques)))
        keep, walk = np.flatnonzero(valid), np.flatnonzero(~valid)
        done = pa.concat_arrays(
            [
                self._valid(uniques.take(_indices(keep)), decrypt),
                self._walk(uniques.take(_indices(walk)), decrypt),
            ]
        )
        order = np.empty(len(uniques), dtype=np.int64)
        order[np.concatenate([keep, walk])] = np.arange(len(uniques))
        out = pc.take(done.take(_indices(order)), encoded.indices)
        with self._lock:
            self.encrypted += len(uniques)
        used = pl.Series(pl.from_arrow(encoded.indices)).drop_nulls().to_numpy()
        kept = int(valid[used].sum())
        return pl.Series(values.name, out), kept, len(used) - kept

    def _walk(self, arr: pa.Array, decrypt: bool) -> pa.Array:
        """Plain FF3-1, repeated on the values that came out valid: a bijection of the
        values that are not valid onto themselves."""
        if not len(arr):
            return arr
        out = self.plain.transform(arr, decrypt)
        bad = np.flatnonzero(self.valid(pl.Series(pl.from_arrow(out))))
        while bad.size:
            again = self.plain.transform(out.take(_indices(bad)), decrypt)
            order = np.arange(len(out))
            order[bad] = len(out) + np.arange(bad.size)
            out = pa.concat_arrays([out, again]).take(_indices(order))
            still = self.valid(pl.Series(pl.from_arrow(again)))
            bad = bad[still]
        return out

    def _valid(self, arr: pa.Array, decrypt: bool) -> pa.Array:
        """Valid values to valid values: each group of one compact length (letters and
        digits only) through the scheme, written back around the separators."""
        if not len(arr):
            return arr
        offsets, data = string_buffers(arr)
        at = np.flatnonzero(CHAR_CLASS[data] > 0)
        owner = np.repeat(np.arange(len(arr), dtype=np.int64), np.diff(offsets))
        counts = np.bincount(owner[at], minlength=len(arr))
        starts = np.cumsum(counts) - counts
        compact = data[at]
        done = compact.copy()
        run = getattr(self, f"_{self.scheme}")
        for length in np.unique(counts):
            rows = np.flatnonzero(counts == length)
            where = starts[rows][:, None] + np.arange(length)
            done[where] = run(compact[where], decrypt)
        out = data.copy()
        out[at] = done
        return pa.LargeStringArray.from_buffers(
            len(arr), pa.py_buffer(offsets.tobytes()), pa.py_buffer(out.tobytes())
        )

    def _digits(self, numerals: Bytes, decrypt: bool) -> Bytes:
        return self.inner.numerals(numerals, string.digits, decrypt)

    def _iban(self, m: Bytes, decrypt: bool) -> Bytes:
        """Country code kept, BBAN encrypted by class, check digits recomputed.

        In the countries of ``_NATIONAL`` a BBAN whose national check digits hold keeps
        them: its other digits are encrypted, walked until check digits exist, and those
        recomputed. One whose national check digits are wrong (only the IBAN's hold) is
        encrypted by class, walked until they are still wrong: each kind maps onto itself.
        """
        body = self._classes(m[:, 4:], decrypt)
        for rows, keep, at, width, run in _national(m):
            strong = _national_ok(m[rows, 4:], at, width, run)
            weak = rows[~strong]
            bad = weak[_national_ok(body[weak], at, width, run)]
            while bad.size:
                body[bad] = self._classes(body[bad], decrypt)
                bad = bad[_national_ok(body[bad], at, width, run)]
            rows = rows[strong]
            free, _ = _split(m[rows, 4:], at, width)

            def walk(x: Bytes, run: National = run, keep: int = keep) -> Bytes:
                y = x.copy()
                y[:, keep:] = self._digits(x[:, keep:], decrypt)
                bad = ~run(y)[1]
                if bad.any():
                    y[bad] = walk(y[bad])
                return y

            y = walk(free)
            check = run(y)[0]
            body[rows] = np.concatenate([y[:, :at], check, y[:, at:]], axis=1) + _ZERO
        tail = np.concatenate([body, m[:, :2], np.full((len(m), 2), _ZERO)], axis=1)
        upper = np.where(CHAR_CLASS[tail] == 3, tail - np.uint8(32), tail)
        iban_check = 98 - mod97(fixed_width(upper))
        return np.concatenate([m[:, :2], digits(iban_check, 2), body], axis=1)

    def _classes(self, m: Bytes, decrypt: bool) -> Bytes:
        """Rows of ASCII letters and digits encrypted by class (``TextCipher``)."""
        done = self.inner.transform(_strings(m), decrypt)
        return np.frombuffer(string_buffers(done)[1], dtype=np.uint8).reshape(m.shape).copy()

    def _luhn(self, m: Bytes, decrypt: bool) -> Bytes:
        """BIN (six digits) kept, the middle encrypted, the Luhn digit recomputed."""
        middle = self._digits(m[:, 6:-1] - _ZERO, decrypt) + _ZERO
        body = np.concatenate([m[:, :6], middle], axis=1)
        return np.concatenate([body, luhn_digit(body)[:, None]], axis=1)

    def _bsn(self, m: Bytes, decrypt: bool) -> Bytes:
        """The digits before the check digit encrypted until an 11-test digit exists."""
        free = m[:, :-1] - _ZERO
        weights = BSN_WEIGHTS[-free.shape[1] :]  # an 8-digit BSN lost a leading 0

        def walk(x: Bytes) -> Bytes:
            y = self._digits(x, decrypt)
            bad = ((y @ weights) % 11 == 10) | (y.sum(axis=1) == 0)
            if bad.any():
                y[bad] = walk(y[bad])
            return y

        y = walk(free)
        check = (y.astype(np.int64) @ weights) % 11
        return np.concatenate([y, check[:, None].astype(np.uint8)], axis=1) + _ZERO

    def _ssn(self, m: Bytes, decrypt: bool) -> Bytes:
        """Rank in the valid SSNs, encrypted until it is one again, unranked."""
        d = (m - _ZERO).astype(np.int64)
        index = ssn_index(
            d[:, :3] @ _POWERS[-3:], d[:, 3:5] @ _POWERS[-2:], d[:, 5:] @ _POWERS[-4:]
        )

        def walk(x: Bytes) -> Bytes:
            y = self._digits(x, decrypt)
            number = y.astype(np.int64) @ _POWERS
            bad = number >= SSN_DOMAIN
            if bad.any():
                y[bad] = walk(y[bad])
            return y

        y = walk(digits(index, 9) - _ZERO)
        area, group, serial = ssn_parts(y.astype(np.int64) @ _POWERS)
        return np.concatenate([digits(area, 3), digits(group, 2), digits(serial, 4)], axis=1)


def _strings(matrix: Bytes) -> pa.Array:
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(np.ascontiguousarray(matrix).tobytes())
    )


def _indices(rows: npt.NDArray[np.int64]) -> pa.Array:
    """NumPy row numbers as an Arrow array, over the same memory: ``take`` given NumPy
    itself converts through pandas, importing it (0.3 s) on first use."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])
