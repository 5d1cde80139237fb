"""Counter-based random streams: every draw is a pure function of (key, row index).

A stream is keyed by a stable hash of names (seed, table, column, purpose), never by
position, and a draw for row ``i`` is ``splitmix64(key + (i + 1) * GAMMA)``. Because no
state is carried from one row to the next, a block, a Spark partition or a foreign-key
lookup can compute any rows in any order and get the same values.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11, _S32 = (np.uint64(s) for s in (30, 27, 31, 11, 32))
_ONE = np.uint64(1)
_TO_UNIT = 2.0**-53


def stable_key(*parts: object) -> int:
    """Hash names (and ints) into a 64-bit key that no Python version or platform changes."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def mix64(z: U64) -> U64:
    """The splitmix64 finaliser: a bijection on 64-bit integers with strong avalanche."""
    out = np.array(z, dtype=np.uint64)
    mix64_in_place(out)
    return out


def mix64_in_place(z: U64) -> None:
    """``mix64`` computed in ``z``'s own memory, with one scratch array: each temporary
    of the allocating form is a fresh, page-faulted buffer, and those cost more than
    the arithmetic (every draw of every generator ends here)."""
    scratch = z >> _S30
    z ^= scratch
    z *= _M1
    np.right_shift(z, _S27, out=scratch)
    z ^= scratch
    z *= _M2
    np.right_shift(z, _S31, out=scratch)
    z ^= scratch


class Stream:
    """An independent, addressable stream of random numbers."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key & 0xFFFFFFFFFFFFFFFF

    @classmethod
    def of(cls, seed: int, *names: object) -> Stream:
        """The stream for a seed and a path of names such as (table, column, purpose)."""
        return cls(stable_key(seed, *names))

    def child(self, *names: object) -> Stream:
        """A stream derived from this one by name; independent of it and of its siblings."""
        return Stream(stable_key(self.key, *names))

    def bits(self, rows: npt.ArrayLike) -> U64:
        """64 random bits for each row index."""
        return keyed_bits(np.uint64(self.key), rows)

    def uniform(self, rows: npt.ArrayLike) -> F64:
        """Uniform doubles in [0, 1)."""
        return (self.bits(rows) >> _S11).astype(np.float64) * _TO_UNIT

    def uniform_open(self, rows: npt.ArrayLike) -> F64:
        """Uniform doubles in (0, 1), safe for inverse CDFs that diverge at 0 and 1."""
        return ((self.bits(rows) >> _S11).astype(np.float64) + 0.5) * _TO_UNIT

    def integers(self, rows: npt.ArrayLike, low: int, high: int) -> I64:
        """Integers uniform in [low, high], both inclusive."""
        span = high - low + 1
        if span <= 0:
            raise ValueError(f"empty integer range [{low}, {high}]")
        z = self.bits(rows)
        if span <= 1 << 32:
            with np.errstate(over="ignore"):
                idx = ((z >> _S32) * np.uint64(span)) >> _S32
        elif span < 1 << 64:
            idx = z % np.uint64(span)
        else:
            idx = z
        return (idx.astype(np.int64) + np.int64(low)) if span < 1 << 63 else _wide(idx, low)

    def below(self, rows: npt.ArrayLike, n: int) -> I64:
        """Indices uniform in [0, n)."""
        return self.integers(rows, 0, n - 1)


def keyed_bits(keys: U64 | np.uint64, rows: npt.ArrayLike) -> U64:
    """64 random bits for each row index, row ``j`` from the stream keyed ``keys[j]``
    (or all from one key): what ``Stream(key).bits`` gives, for many streams at once."""
    r = np.asarray(rows)
    z = r.view(np.uint64) if r.dtype == np.int64 else r.astype(np.uint64)  # same bits
    with np.errstate(over="ignore"):
        z = z + _ONE  # a new array, then worked on in place
        z *= _GAMMA
        z += keys
        mix64_in_place(z)
    return z


def below_each(keys: U64, rows: npt.ArrayLike, n: I64) -> I64:
    """Row ``j``'s index uniform in ``[0, n[j])`` from the stream keyed ``keys[j]``:
    ``Stream(keys[j]).below(rows[j], n[j])`` for every row in one pass (each ``n[j]``
    below 2^63)."""
    z = keyed_bits(keys, rows)
    span = n.astype(np.uint64)
    with np.errstate(over="ignore"):
        idx = ((z >> _S32) * span) >> _S32  # exact where span <= 2^32, as ``integers``
    wide = span > np.uint64(1 << 32)
    if wide.any():
        idx[wide] = z[wide] % span[wide]
    return idx.astype(np.int64)


def _wide(idx: U64, low: int) -> I64:
    with np.errstate(over="ignore"):
        return (idx + np.uint64(low & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
