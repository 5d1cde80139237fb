"""FF3-1 (NIST SP 800-38G Rev. 1) over NumPy batches of numerals of one length.

The ``ff3`` package encrypts one string at a time in Python, one AES call per round:
about 3,500 values a second. Here a whole batch goes through each of the eight Feistel
rounds at once: the round's AES blocks are encrypted in one AES-ECB call
(``cryptography``). While ``radix ** ceil(n / 2) <= 2**32`` (up to 18 digits, 12
letters) the blocks are one byte matrix and the arithmetic runs on uint64 arrays (the
128-bit AES output reduces modulo ``radix ** m`` in 32-bit steps without overflow);
longer values, up to FF3-1's maximum length (56 digits, 40 letters), use Python
integers in NumPy object arrays, slower but still one AES call per round. ``fits``
says whether a length qualifies; longer values are the caller's to split. The output
is the ``ff3`` package's, byte for byte (tests pin both it and the NIST ACVP FF3-1
vectors).

The numerals are a ``(rows, n)`` uint8 matrix of digit values (0..radix-1), first
character first, as FF3-1 reads the string.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

Numerals = npt.NDArray[np.uint8]
_ROUNDS = 8
_LIMB = np.uint64(32)
_MIN_DOMAIN = 1_000_000


def max_length(radix: int) -> int:
    """FF3-1's longest input for ``radix`` (the ``ff3`` package's ``maxLen``)."""
    return 2 * math.floor(96 / math.log2(radix))


def fits(radix: int, n: int) -> bool:
    """True when FF3-1 takes ``n`` numerals of ``radix`` in one piece (at least a
    million values, at most ``max_length``)."""
    return radix**n >= _MIN_DOMAIN and n <= max_length(radix)


def _narrow(radix: int, n: int) -> bool:
    """Halves small enough for the uint64 arithmetic."""
    return bool(radix ** ((n + 1) // 2) <= 1 << 32)


@lru_cache(maxsize=64)
def _powers(radix: int, n: int) -> npt.NDArray[np.uint64]:
    return np.array([radix**j for j in range(n)], dtype=np.uint64)


class BatchFF3:
    """FF3-1 with one AES key and a 56-bit tweak, over batches of numerals."""

    def __init__(self, key: bytes, tweak: bytes, radix: int) -> None:
        if len(tweak) != 7:
            raise ValueError("FF3-1 takes a 56-bit tweak")
        self.key = key[::-1]  # FF3 runs AES under the byte-reversed key
        self.radix = radix
        t = tweak
        # the 64-bit tweak FF3-1 derives: TL = T[0..27] || 0000, TR = T[32..55] || T[28..31] || 0000
        self.left = bytes([t[0], t[1], t[2], t[3] & 0xF0])
        self.right = bytes([t[4], t[5], t[6], (t[3] & 0x0F) << 4])

    def encrypt(self, numerals: Numerals) -> Numerals:
        return self._run(numerals, decrypt=False)

    def decrypt(self, numerals: Numerals) -> Numerals:
        return self._run(numerals, decrypt=True)

    def _run(self, numerals: Numerals, decrypt: bool) -> Numerals:
        rows, n = numerals.shape
        if not fits(self.radix, n):
            raise ValueError(f"FF3-1 takes no {n} numerals of radix {self.radix} in one piece")
        u = (n + 1) // 2
        aes = Cipher(algorithms.AES(self.key), modes.ECB()).encryptor()
        rounds = range(_ROUNDS - 1, -1, -1) if decrypt else range(_ROUNDS)
        if not _narrow(self.radix, n):
            return self._wide(numerals, aes, rounds, decrypt)
        a = _number(numerals[:, :u], self.radix)
        b = _number(numerals[:, u:], self.radix)
        for i in rounds:
            modulus = np.uint64(self.radix ** (u if i % 2 == 0 else n - u))
            tweak = self.right if i % 2 == 0 else self.left
            y = _reduce(self._round(aes, a if decrypt else b, tweak, i, rows), modulus)
            if decrypt:
                a, b = (b + modulus - y) % modulus, a
            else:
                a, b = b, (a + y) % modulus
        out = np.empty((rows, n), dtype=np.uint8)
        out[:, :u] = _numerals(a, self.radix, u)
        out[:, u:] = _numerals(b, self.radix, n - u)
        return out

    def _wide(self, numerals: Numerals, aes: object, rounds: range, decrypt: bool) -> Numerals:
        """The same rounds on Python integers (object arrays), for halves past 2^32."""
        rows, n = numerals.shape
        u, radix = (n + 1) // 2, self.radix
        a, b = _big_number(numerals[:, :u], radix), _big_number(numerals[:, u:], radix)
        for i in rounds:
            modulus = radix ** (u if i % 2 == 0 else n - u)
            t = self.right if i % 2 == 0 else self.left
            tail = bytes([t[3] ^ i, t[2], t[1], t[0]])
            source = a if decrypt else b
            blocks = b"".join(int(x).to_bytes(12, "little") + tail for x in source)
            encrypted = aes.update(blocks)  # type: ignore[attr-defined]
            y = np.array(
                [int.from_bytes(encrypted[k : k + 16], "little") for k in range(0, 16 * rows, 16)],
                dtype=object,
            )
            if decrypt:
                a, b = (b - y) % modulus, a
            else:
                a, b = b, (a + y) % modulus
        out = np.empty((rows, n), dtype=np.uint8)
        out[:, :u] = _big_numerals(a, radix, u)
        out[:, u:] = _big_numerals(b, radix, n - u)
        return out

    @staticmethod
    def _round(
        aes: object, number: npt.NDArray[np.uint64], tweak: bytes, i: int, rows: int
    ) -> npt.NDArray[np.uint8]:
        """AES of REVB(P) for every row: P = W xor [i]^4 || [number]^12, so REVB(P) is
        the number's 12 little-endian bytes, then W's bytes reversed with i folded in."""
        blocks = np.zeros((rows, 16), dtype=np.uint8)
        blocks[:, :8] = number.astype("<u8").view(np.uint8).reshape(rows, 8)
        blocks[:, 12:] = np.frombuffer(
            bytes([tweak[3] ^ i, tweak[2], tweak[1], tweak[0]]), dtype=np.uint8
        )
        encrypted = aes.update(blocks.tobytes())  # type: ignore[attr-defined]
        return np.frombuffer(encrypted, dtype=np.uint8).reshape(rows, 16)


def _number(numerals: Numerals, radix: int) -> npt.NDArray[np.uint64]:
    """NUM_radix(REV(X)): the first numeral is the least significant."""
    if numerals.shape[1] == 0:
        return np.zeros(numerals.shape[0], dtype=np.uint64)
    return numerals.astype(np.uint64) @ _powers(radix, numerals.shape[1])


def _numerals(number: npt.NDArray[np.uint64], radix: int, m: int) -> Numerals:
    """REV(STR^m_radix(number)): ``m`` numerals, least significant first."""
    return ((number[:, None] // _powers(radix, m)) % np.uint64(radix)).astype(np.uint8)


def _big_number(numerals: Numerals, radix: int) -> npt.NDArray[np.object_]:
    """``_number`` on Python integers."""
    number = np.zeros(numerals.shape[0], dtype=object)
    for j in range(numerals.shape[1] - 1, -1, -1):
        number = number * radix + numerals[:, j].astype(object)
    return number


def _big_numerals(number: npt.NDArray[np.object_], radix: int, m: int) -> Numerals:
    """``_numerals`` on Python integers."""
    out = np.empty((number.shape[0], m), dtype=np.uint8)
    for j in range(m):
        out[:, j] = (number % radix).astype(np.uint8)
        number = number // radix
    return out


def _reduce(block: npt.NDArray[np.uint8], modulus: np.uint64) -> npt.NDArray[np.uint64]:
    """NUM(REVB(S)) mod ``modulus``: the AES output read as a little-endian 128-bit
    number, reduced 32 bits at a time (the remainder stays below 2^32, so no step
    overflows 64 bits)."""
    limbs = np.ascontiguousarray(block).view("<u4").astype(np.uint64)
    r = limbs[:, 3] % modulus
    for k in (2, 1, 0):
        r = ((r << _LIMB) | limbs[:, k]) % modulus
    return r
