"""Reversible, format-preserving bijections: FF3-1 for text, a keyed permutation for integers.

Text: separators (anything not an ASCII letter or digit) stay in place; the digits of a
value are encrypted together with FF3-1 (the ``ff3`` package) over 0-9, its upper-case
letters over A-Z and its lower-case letters over a-z, each put back where it was, so
the format is kept exactly (``NL91BANK0417164300`` stays two letters, two digits, four
letters, ten digits) and so is the length. Values too short for FF3-1's minimum domain (a million) go through a
keyed Feistel permutation of their small domain instead, also reversible; values longer
than its maximum are encrypted in pieces. FF3-1 runs in Python, so each distinct value
is encrypted once (Arrow dictionary encoding) and remembered across batches.

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
from fauxdata.mask.keys import MaskKey

_ALPHABETS = (string.digits, string.ascii_uppercase, string.ascii_lowercase)
_MIN_DOMAIN = 1_000_000
CACHE_SIZE = 1_000_000
"""Distinct values whose result a column keeps between batches."""


class TextCipher:
    """FF3-1 over the letters and digits of each value, separators kept in place.

    One per (key, domain) (``TextCipher.shared``), so every column of that domain shares
    the cache of values already encrypted.
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
        """Distinct values encrypted (not served from the cache), for the rate report."""

    def apply(self, values: pl.Series, decrypt: bool = False) -> pl.Series:
        """Encrypt (or decrypt) every value; each distinct value once."""
        arr = values.cast(pl.String).to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        encoded = pc.dictionary_encode(arr)
        uniques = encoded.dictionary.to_pylist()
        mapped = pa.array([self.one(u, decrypt) for u in uniques], pa.large_string())
        out = pc.take(mapped, encoded.indices)
        return pl.Series(values.name, out)

    def one(self, value: str, decrypt: bool = False) -> str:
        cached = self._cache.get((value, decrypt))
        if cached is not None:
            return cached
        result = self._transform(value, decrypt)
        self.encrypted += 1
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[(value, decrypt)] = result
        self._cache[(result, not decrypt)] = value
        return result

    def _transform(self, value: str, decrypt: bool) -> str:
        out = list(value)
        for alphabet in _ALPHABETS:
            positions = [i for i, c in enumerate(value) if c in alphabet]
            if positions:
                chars = "".join(value[i] for i in positions)
                done = self._run(chars, alphabet, decrypt)
                for i, c in zip(positions, done, strict=True):
                    out[i] = c
        return "".join(out)

    def _run(self, chars: str, alphabet: str, decrypt: bool) -> str:
        radix = len(alphabet)
        if radix ** len(chars) < _MIN_DOMAIN:
            return _small(self.key, self.domain, chars, alphabet, decrypt)
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
def _cipher(key: MaskKey, domain: str, alphabet: str) -> FF3Cipher:
    aes = key.digest("fpe-aes", domain, size=16).hex()
    tweak = key.digest("fpe-tweak", domain, 0, size=7).hex()
    return FF3Cipher.withCustomAlphabet(aes, tweak, alphabet)


def _small(key: MaskKey, domain: str, chars: str, alphabet: str, decrypt: bool) -> str:
    """A keyed permutation of the radix^len values of a short piece (below FF3-1's minimum)."""
    radix, n = len(alphabet), len(chars)
    number = 0
    for c in chars:
        number = number * radix + alphabet.index(c)
    perm = _permutation(key, domain, radix, n)
    mapped = int((perm.inverse if decrypt else perm)(np.array([number]))[0])
    out = []
    for _ in range(n):
        mapped, digit = divmod(mapped, radix)
        out.append(alphabet[digit])
    return "".join(reversed(out))


@lru_cache(maxsize=256)
def _permutation(key: MaskKey, domain: str, radix: int, length: int) -> Permutation:
    return Permutation(radix**length, key.derive("fpe-small", domain, radix, length))


def digit_counts(magnitude: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Decimal digits of each non-negative integer (0 has one)."""
    digits = np.ones(magnitude.shape, dtype=np.int64)
    for exponent in range(1, 19):
        digits += magnitude >= 10**exponent
    return digits


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
    out = magnitude.copy()
    negative = valid & (x < 0)
    for d in np.unique(digits[valid]):
        for signed in (False, True):
            rows = np.flatnonzero(valid & (digits == d) & (negative == signed))
            if not rows.size:
                continue
            if d == 1 and signed:  # -1..-9 among themselves: 0 would lose the sign
                low, size = 1, 9
            else:
                low = 0 if d == 1 else 10 ** (int(d) - 1)
                size = 10 if d == 1 else 9 * low
            perm = _int_permutation(key, domain, size)
            mapped = (perm.inverse if inverse else perm)(magnitude[rows] - low)
            out[rows] = mapped + low
    result = np.where(x < 0, -out, out)
    return pl.Series(values.name, result).cast(values.dtype).scatter(np.flatnonzero(~valid), None)
