"""The masking secret: read from the environment or a file, never shown anywhere.

Every keyed mask derives its own sub-key from the secret and names (mask kind,
domain), with keyed BLAKE2b, so the secret itself never leaves this object and two
masks never share a stream unless they are meant to map alike.
"""

from __future__ import annotations

import hashlib

from fauxdata.errors import FauxdataError
from fauxdata.introspect.source import resolve_url

MIN_LENGTH = 16
"""Characters a secret needs at least: shorter ones can be guessed by trying them."""


class MaskKey:
    """The secret behind every keyed mask; its repr and str never show it."""

    __slots__ = ("_secret",)

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else secret
        self._secret = hashlib.blake2b(raw, digest_size=64).digest()

    def __repr__(self) -> str:
        return "MaskKey(***)"

    __str__ = __repr__

    def digest(self, *names: object, size: int = 8) -> bytes:
        """``size`` bytes keyed by the secret and derived from the names."""
        text = "\x1f".join(str(n) for n in names).encode("utf-8")
        return hashlib.blake2b(text, key=self._secret, digest_size=size).digest()

    def derive(self, *names: object) -> int:
        """A 64-bit sub-key for the names."""
        return int.from_bytes(self.digest(*names), "little")


def resolve_key(text: str, path: str = "--key") -> MaskKey:
    """The key named by ``env:VAR`` or ``file:PATH``.

    Raises:
        FauxdataError: the key is given literally, missing, or too short (the message
            never shows it).
    """
    if not text.startswith(("env:", "file:")):
        raise FauxdataError(
            "the masking key must come from env:VAR or file:PATH",
            path=path,
            hint="a key on the command line lands in the shell history",
            code="key",
        )
    value = resolve_url(text, path=path, what="the masking key")
    if len(value) < MIN_LENGTH:
        raise FauxdataError(
            f"the masking key is shorter than {MIN_LENGTH} characters",
            path=path,
            hint="use a long random secret, e.g. from `openssl rand -hex 32`",
            code="key",
        )
    return MaskKey(value)
