"""Keyed permutations of [0, n): unique random values without rejection or memory.

A balanced Feistel network permutes [0, 4^h) for the smallest h with 4^h >= n; cycle
walking maps it onto [0, n). Expected walks per value are below 4, and each value is
computed alone, so a permutation of a billion ids costs nothing to set up and can be
evaluated for any block of rows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fauxdata.engine.rng import U64, mix64_in_place, stable_key

_ROUNDS = 6


class Permutation:
    """A bijection of [0, n) keyed by a 64-bit key."""

    def __init__(self, n: int, key: int) -> None:
        if n < 1:
            raise ValueError("a permutation needs a domain of at least one value")
        self.n = n
        bits = max(2, (n - 1).bit_length())
        self.half = (bits + 1) // 2
        self._mask = np.uint64((1 << self.half) - 1)
        self._shift = np.uint64(self.half)
        self._keys = [np.uint64(stable_key(key, "feistel", r)) for r in range(_ROUNDS)]

    def _round(self, x: U64, k: np.uint64) -> U64:
        """The round function of ``x`` (a new array; ``x`` is left alone)."""
        z = x ^ k
        mix64_in_place(z)
        z &= self._mask
        return z

    def _forward(self, x: U64) -> U64:
        left, right = x >> self._shift, x & self._mask
        for k in self._keys:
            mixed = self._round(right, k)
            mixed ^= left
            left, right = right, mixed
        left <<= self._shift
        left |= right
        return left

    def _backward(self, x: U64) -> U64:
        left, right = x >> self._shift, x & self._mask
        for k in reversed(self._keys):
            mixed = self._round(left, k)
            mixed ^= right
            left, right = mixed, left
        left <<= self._shift
        left |= right
        return left

    def _walk(self, values: npt.ArrayLike, step: object) -> npt.NDArray[np.int64]:
        x = np.asarray(values).astype(np.uint64)
        if self.n == 1:
            return np.zeros(x.shape, dtype=np.int64)
        n = np.uint64(self.n)
        x = step(x)  # type: ignore[operator]
        out_of_range = np.flatnonzero(x >= n)
        while out_of_range.size:
            walked = step(x[out_of_range])  # type: ignore[operator]
            x[out_of_range] = walked
            out_of_range = out_of_range[walked >= n]
        return x.astype(np.int64)

    def __call__(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Map each value in [0, n) to its image in [0, n)."""
        return self._walk(values, self._forward)

    def inverse(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Map each image back to the value it came from."""
        return self._walk(values, self._backward)
