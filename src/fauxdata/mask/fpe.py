"""Reversible, format-preserving bijections: FF3-1 for text, a keyed permutation for integers.

Text: separators (anything not an ASCII letter or digit) stay in place; the digits of a
value are encrypted together with FF3-1 over 0-9, its upper-case letters over A-Z and
its lower-case letters over a-z, each put back where it was, so the format is kept
exactly (``NL91BANK0417164300`` stays two letters, two digits, four letters, ten
digits) and so is the length. Each batch is dictionary-encoded, so each distinct value
is encrypted once; the values whose pieces have the same length go through FF3-1
together, vectorised (``fauxdata.mask.ff3_batch``, the ``ff3`` package's output byte
for byte). Pieces too short for FF3-1's minimum domain (a million) go through a keyed
permutation of their small domain instead, also reversible and vectorised; pieces
longer than FF3-1's maximum (56 digits, 40 letters) are encrypted in parts through the
``ff3`` package, one distinct value at a time, remembered across batches.

Integers: a keyed permutation of the integers with the same number of digits (sign
kept), so a key stays in range and distinct keys stay distinct.
"""

from __future__ import annotations

import string
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
from ff3 import FF3Cipher

from fauxdata.engine.permute import Permutation
from fauxdata.mask.ff3_batch import BatchFF3, Numerals, fits
from fauxdata.mask.hashing import CHAR_CLASS, CLASS_FIRST, string_buffers
from fauxdata.mask.keys import MaskKey

_ALPHABETS = (string.digits, string.ascii_uppercase, string.ascii_lowercase)
_MIN_DOMAIN = 1_000_000
CACHE_SIZE = 1_000_000
"""Distinct long values (the ``ff3`` package's) whose result a cipher keeps between batches."""


class TextCipher:
    """FF3-1 over the letters and digits of each value, separators kept in place.

    One per (key, domain) (``TextCipher.shared``), so every column of that domain maps
    alike and shares the cache of long values already encrypted.
    """

    @staticmethod
    @lru_cache(maxsize=64)
    def shared(key: MaskKey, domain: str) -> TextCipher:
        return TextCipher(key, domain)

    def __init__(self, key: MaskKey, domain: str) -> None:
        self.key = key
        self.domain = domain
        self._cache: dict[tuple[str, bool], str] = {}
        self.encrypted = 0
        """Distinct values encrypted (per batch), for the rate report."""

    def apply(self, values: pl.Series, decrypt: bool = False) -> pl.Series:
        """Encrypt (or decrypt) every value; each distinct value of the batch once."""
        arr = values.cast(pl.String).to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        encoded = pc.dictionary_encode(arr.cast(pa.large_string()))
        uniques = encoded.dictionary
        self.encrypted += len(uniques)
        out = pc.take(self.transform(uniques, decrypt), encoded.indices)
        return pl.Series(values.name, out)

    def transform(self, arr: pa.Array, decrypt: bool) -> pa.Array:
        """Every value of a large_string array (no NULLs) with each character class's
        characters encrypted together, in place."""
        offsets, data = string_buffers(arr)
        owner = np.repeat(np.arange(len(arr), dtype=np.int64), np.diff(offsets))
        classes = CHAR_CLASS[data]
        out = data.copy()
        for cls, alphabet in enumerate(_ALPHABETS, start=1):
            at = np.flatnonzero(classes == cls)
            if not at.size:
                continue
            first = CLASS_FIRST[cls]
            numerals = data[at] - first  # each value's characters of the class, in order
            counts = np.bincount(owner[at], minlength=len(arr))
            starts = np.cumsum(counts) - counts
            done = numerals.copy()
            for length in np.unique(counts[counts > 0]):
                rows = np.flatnonzero(counts == length)
                where = starts[rows][:, None] + np.arange(length)
                done[where] = self.numerals(numerals[where], alphabet, decrypt)
            out[at] = done + first
        return pa.LargeStringArray.from_buffers(
            len(arr), pa.py_buffer(offsets.tobytes()), pa.py_buffer(out.tobytes())
        )

    def numerals(self, numerals: Numerals, alphabet: str, decrypt: bool) -> Numerals:
        """Rows of numerals of one length, each row one value's characters of a class."""
        radix, n = len(alphabet), numerals.shape[1]
        if radix**n < _MIN_DOMAIN:
            perm = _permutation(self.key, self.domain, radix, n)
            powers = np.array([radix**j for j in range(n - 1, -1, -1)], dtype=np.int64)
            mapped = (perm.inverse if decrypt else perm)(numerals.astype(np.int64) @ powers)
            return ((mapped[:, None] // powers) % radix).astype(np.uint8)
        if fits(radix, n):
            cipher = _batch_cipher(self.key, self.domain, radix)
            return cipher.decrypt(numerals) if decrypt else cipher.encrypt(numerals)
        table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
        texts = [row.tobytes().decode("ascii") for row in table[numerals]]
        done = [self._long(text, alphabet, decrypt) for text in texts]
        return np.frombuffer("".join(done).encode("ascii"), dtype=np.uint8).reshape(
            numerals.shape
        ) - np.uint8(ord(alphabet[0]))

    def _long(self, chars: str, alphabet: str, decrypt: bool) -> str:
        """One piece through the ``ff3`` package, remembered (both ways)."""
        cached = self._cache.get((chars, decrypt))
        if cached is not None:
            return cached
        result = self._run(chars, alphabet, decrypt)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[(chars, decrypt)] = result
        self._cache[(result, not decrypt)] = chars
        return result

    def _run(self, chars: str, alphabet: str, decrypt: bool) -> str:
        radix = len(alphabet)
        cipher = _cipher(self.key, self.domain, alphabet)
        limit = cipher.maxLen
        pieces = [chars[i : i + limit] for i in range(0, len(chars), limit)]
        if len(pieces) > 1 and radix ** len(pieces[-1]) < _MIN_DOMAIN:
            # keep every piece long enough for FF3-1: borrow from the one before
            short = len(pieces[-1])
            need = next(n for n in range(short, limit) if radix**n >= _MIN_DOMAIN)
            pieces[-2], pieces[-1] = (
                pieces[-2][: len(pieces[-2]) - (need - short)],
                pieces[-2][len(pieces[-2]) - (need - short) :] + pieces[-1],
            )
        out = []
        for i, piece in enumerate(pieces):
            tweak = self.key.digest("fpe-tweak", self.domain, i, size=7).hex()
            out.append(
                cipher.decrypt_with_tweak(piece, tweak)
                if decrypt
                else cipher.encrypt_with_tweak(piece, tweak)
            )
        return "".join(out)


@lru_cache(maxsize=64)
def _batch_cipher(key: MaskKey, domain: str, radix: int) -> BatchFF3:
    """The vectorised FF3-1 with the key and first tweak ``_cipher`` uses."""
    aes = key.digest("fpe-aes", domain, size=16)
    return BatchFF3(aes, key.digest("fpe-tweak", domain, 0, size=7), radix)


@lru_cache(maxsize=64)
def _cipher(key: MaskKey, domain: str, alphabet: str) -> FF3Cipher:
    aes = key.digest("fpe-aes", domain, size=16).hex()
    tweak = key.digest("fpe-tweak", domain, 0, size=7).hex()
    return FF3Cipher.withCustomAlphabet(aes, tweak, alphabet)


@lru_cache(maxsize=256)
def _permutation(key: MaskKey, domain: str, radix: int, length: int) -> Permutation:
    return Permutation(radix**length, key.derive("fpe-small", domain, radix, length))


_POWERS = 10 ** np.arange(1, 19, dtype=np.int64)


def digit_counts(magnitude: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Decimal digits of each non-negative integer (0 has one): one binary search among
    the powers of ten instead of a comparison with each."""
    return np.searchsorted(_POWERS, magnitude, side="right").astype(np.int64) + 1


@lru_cache(maxsize=64)
def _int_permutation(key: MaskKey, domain: str, size: int) -> Permutation:
    return Permutation(size, key.derive("fpe-int", domain, size))


def permute_integers(
    values: pl.Series, key: MaskKey, domain: str, inverse: bool = False
) -> pl.Series:
    """Each integer mapped to another with as many digits and the same sign (0..9 among
    themselves, -1..-9 among themselves).

    A bijection: the integers with d digits are permuted among themselves, keyed by the
    secret, the domain and d.
    """
    x = values.cast(pl.Int64).to_numpy()
    valid = ~values.is_null().to_numpy()
    magnitude = np.abs(np.where(valid, x, 0))
    digits = digit_counts(magnitude)
    negative = valid & (x < 0)
    groups: list[tuple[int, bool, npt.NDArray[np.int64] | slice]]
    if bool(valid.all()) and not negative.any() and len(x) and digits.min() == digits.max():
        groups = [(int(digits[0]), False, slice(None))]  # a batch of like ids: no gathers
    else:
        groups = [
            (int(d), signed, np.flatnonzero(valid & (digits == d) & (negative == signed)))
            for d in np.flatnonzero(np.bincount(digits[valid], minlength=1))
            for signed in (False, True)
        ]
    out = magnitude.copy()
    for d, signed, rows in groups:
        if isinstance(rows, np.ndarray) and not rows.size:
            continue
        if d == 1 and signed:  # -1..-9 among themselves: 0 would lose the sign
            low, size = 1, 9
        else:
            low = 0 if d == 1 else 10 ** (d - 1)
            size = 10 if d == 1 else 9 * low
        perm = _int_permutation(key, domain, size)
        mapped = (perm.inverse if inverse else perm)(magnitude[rows] - low)
        out[rows] = mapped + low
    result = np.where(x < 0, -out, out)
    if valid.all():
        return pl.Series(values.name, result).cast(values.dtype)
    return pl.Series(values.name, result).cast(values.dtype).scatter(np.flatnonzero(~valid), None)
