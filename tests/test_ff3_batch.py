"""The vectorised FF3-1 against the NIST ACVP FF3-1 vectors and the ``ff3`` package."""

from __future__ import annotations

import string

import numpy as np
import pytest
from ff3 import FF3Cipher

from fauxdata.mask.ff3_batch import BatchFF3, fits

# NIST ACVP FF3-1 sample vectors (56-bit tweaks) for radix 10 and 26, as published
# with the ff3 package (ff3/ff3_test.py, testVectors_ACVP_AES_FF3_1): the short ones
# take the uint64 path, the long ones (56 digits, 40 letters) the Python-integer path.
ACVP = [
    ("01C63017111438F7FC8E24EB16C71AB5", "C4E822DCD09F27", string.digits, "60761757463116869318437658042297305934914824457484538562", "35637144092473838892796702739628394376915177448290847293"),
    ("DB602DFF22ED7E84C8D8C865A941A238", "EBEFD63BCC2083", string.ascii_lowercase, "kkuomenbzqvggfbteqdyanwpmhzdmoicekiihkrm", "belcfahcwwytwrckieymthabgjjfkxtxauipmjja"),
    ("2DE79D232DF5585D68CE47882AE256D6", "CBD09280979564", string.digits, "3992520240", "8901801106"),
    ("718385E6542534604419E83CE387A437", "B6F35084FA90E1", string.ascii_lowercase, "wfmwlrorcd", "ywowehycyd"),
    ("F62EDB777A671075D47563F3A1E9AC797AA706A2D8E02FC8", "493B8451BF6716", string.digits, "4406616808", "1807744762"),
    ("49CCB8F62D941E5684599ECA0300937B5C766D053E109777", "0BFCF75CDC2FC1", string.ascii_lowercase, "jaxlrchjjx", "kjdbfqyahd"),
    ("1FAA03EFF55A06F8FAB3F1DC57127D493E2F8F5C365540467A3A055BDBE6481D", "4D67130C030445", string.digits, "3679409436", "1735794859"),
    ("6187F8BDE99F7DAF9E3EE8A8654308E7E51D31FA88AFFAEB5592041C033B736B", "5820812B3D5DD1", string.ascii_lowercase, "mkblaoiyfd", "ifpyiihvvq"),
]  # fmt: skip


def _numerals(texts: list[str], alphabet: str) -> np.ndarray:
    return np.array([[alphabet.index(c) for c in t] for t in texts], dtype=np.uint8)


def _text(numerals: np.ndarray, alphabet: str) -> list[str]:
    return ["".join(alphabet[v] for v in row) for row in numerals]


@pytest.mark.parametrize(("key", "tweak", "alphabet", "plain", "cipher"), ACVP)
def test_acvp_vectors(key: str, tweak: str, alphabet: str, plain: str, cipher: str) -> None:
    ff3 = BatchFF3(bytes.fromhex(key), bytes.fromhex(tweak), len(alphabet))
    encrypted = ff3.encrypt(_numerals([plain, plain], alphabet))
    assert _text(encrypted, alphabet) == [cipher, cipher]
    assert _text(ff3.decrypt(encrypted), alphabet) == [plain, plain]


@pytest.mark.parametrize("alphabet", [string.digits, string.ascii_uppercase])
def test_same_bytes_as_the_ff3_package_at_every_length(alphabet: str) -> None:
    rng = np.random.default_rng(7)
    key, tweak = bytes(range(16)), bytes.fromhex("0123456789abcd")
    reference = FF3Cipher.withCustomAlphabet(key.hex(), tweak.hex(), alphabet)
    batch = BatchFF3(key, tweak, len(alphabet))
    lengths = [n for n in range(2, 70) if fits(len(alphabet), n)]
    assert lengths[0] == reference.minLen and lengths[-1] == reference.maxLen
    for n in lengths:
        plain = rng.integers(0, len(alphabet), (100, n)).astype(np.uint8)
        expected = [reference.encrypt_with_tweak(t, tweak.hex()) for t in _text(plain, alphabet)]
        encrypted = batch.encrypt(plain)
        assert _text(encrypted, alphabet) == expected
        assert (batch.decrypt(encrypted) == plain).all()


def test_lengths_outside_ff3_1_are_refused() -> None:
    assert fits(10, 56) and not fits(10, 57) and fits(26, 40) and not fits(26, 41)
    assert not fits(10, 5)  # below FF3-1's minimum domain of a million
    with pytest.raises(ValueError, match="in one piece"):
        BatchFF3(bytes(16), bytes(7), 10).encrypt(np.zeros((1, 57), dtype=np.uint8))
