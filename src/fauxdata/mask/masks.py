"""Mask implementations, one per spec kind, registered by ``kinds``.

A mask turns one source column of a batch into the output column: ``apply(values,
batch, rows)``. ``values`` is the source column, ``batch`` the whole source batch (for
``date_shift``'s entity), ``rows`` the rows' ordinals in the source (for the per-row
masks, ``scramble`` and ``noise``). Keyed masks derive every draw from the secret and
the mask's domain, never from the table or column, so equal inputs map alike
everywhere; per-row masks also key by table and column.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from fauxdata.engine.cast import cast_column
from fauxdata.engine.rng import Stream, mix64
from fauxdata.errors import FauxdataError, did_you_mean
from fauxdata.generators.national_id import SSN_DOMAIN
from fauxdata.mask.checksum import VALIDATORS, ChecksumCipher, resolve
from fauxdata.mask.fpe import TextCipher, digit_counts, permute_integers
from fauxdata.mask.hashing import keyed_hash, substitute_classes
from fauxdata.mask.keys import MaskKey
from fauxdata.spec import masks as m
from fauxdata.spec.types import ColumnType

Rows = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MaskContext:
    """Where a mask runs: the key, the column, its type and the spec's defaults."""

    key: MaskKey
    table: str
    column: str
    type: ColumnType
    locale: str
    base_dir: Path
    pii: str | None = None
    """The spec's ``pii:`` category of the column (``fpe``'s ``checksum: auto`` reads it)."""

    @property
    def path(self) -> str:
        return f"tables.{self.table}.columns.{self.column}.mask"

    def error(self, message: str, hint: str = "") -> FauxdataError:
        return FauxdataError(message, path=self.path, hint=hint, code="mask")

    def row_stream(self, purpose: str) -> Stream:
        """A per-row stream keyed by the secret, the table and the column."""
        return Stream(self.key.derive("rows", self.table, self.column, purpose))


class Mask(ABC):
    """Base of every mask; subclasses register by ``kinds``."""

    kinds: ClassVar[tuple[str, ...]] = ()
    registry: ClassVar[dict[str, type[Mask]]] = {}
    #: False for masks that keep or remove values rather than transform them.
    transforms: ClassVar[bool] = True
    #: True when the output space is large, so any source value found in it is a leak.
    wide: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for kind in cls.kinds:
            if kind in Mask.registry:
                raise TypeError(f"mask kind '{kind}' registered twice")
            Mask.registry[kind] = cls

    def __init__(self, spec: Any, ctx: MaskContext) -> None:
        self.spec = spec
        self.ctx = ctx

    def dependencies(self) -> tuple[str, ...]:
        """Other source columns of the row this mask reads."""
        return ()

    #: The column families (integer, number, temporal, text, other) a mask accepts.
    families: ClassVar[tuple[str, ...]] = ("integer", "number", "temporal", "text", "other")
    hint: ClassVar[str] = ""

    def check(self, dtype: pl.DataType) -> None:
        """Refuse a column type the mask cannot keep, before any row is read.

        Raises:
            FauxdataError: with the mask's path, the type found and what fits.
        """
        if family(dtype) not in self.families:
            raise self.ctx.error(
                f"{self.spec.kind} needs {' or '.join(self.families)} values; this column is {dtype}",
                self.hint,
            )

    @abstractmethod
    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        """The masked column for one batch (NULLs stay NULL unless the mask says otherwise)."""

    def tally(self) -> dict[str, int]:
        """What the mask replaced, by kind (for masks of documents; empty otherwise)."""
        return {}

    def shortest(self, output: pl.Series) -> int:
        """The length of the shortest output value (non-empty, non-NULL series)."""
        return int(output.cast(pl.String).str.len_chars().min() or 0)  # type: ignore[arg-type]

    def output_space(self, shortest: int) -> float:
        """How many outputs a value of ``shortest`` characters can map to: the leak
        check allows for source values found in the output by chance, one in this."""
        return 10.0**shortest

    def identity(self) -> tuple[str, ...]:
        """What decides the mapping: foreign keys must share their parent's."""
        return (self.spec.kind, getattr(self.spec, "domain", ""))


def implementation(kind: str) -> type[Mask]:
    """The mask registered for a kind.

    Raises:
        FauxdataError: none is, with the closest kind.
    """
    try:
        return Mask.registry[kind]
    except KeyError:
        raise FauxdataError(
            f"no mask implements kind '{kind}'",
            hint=did_you_mean(kind, Mask.registry),
            code="unknown_kind",
        ) from None


def _keep_nulls(values: pl.Series, out: pl.Series) -> pl.Series:
    if not values.null_count():
        return out
    return pl.select(
        pl.when(pl.lit(values.is_null())).then(None).otherwise(pl.lit(out))
    ).to_series()


def family(dtype: pl.DataType) -> str:
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "number"
    if dtype.is_temporal():
        return "temporal"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return "text"
    return "other"


class PassthroughMask(Mask):
    kinds = ("passthrough",)
    transforms = False

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        return values


class NullMaskImpl(Mask):
    kinds = ("null",)
    transforms = False

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        return pl.Series(values.name, [None] * values.len(), dtype=values.dtype)


class RedactMask(Mask):
    kinds = ("redact",)
    transforms = False
    families = ("text",)
    hint = "use null for other types"

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        return _keep_nulls(values, pl.Series(values.name, [self.spec.text] * values.len()))


_FREE: dict[str, Callable[[int], float]] = {
    "iban": lambda n: 10.0 ** (n - 9),  # country, check digits; BE: bank code, BBAN check
    "luhn": lambda n: 10.0 ** (n - 7),  # BIN and Luhn digit
    "bsn": lambda n: 10.0 ** (n - 1) * 10 / 11,  # the check digit, and 1 in 11 has none
    "ssn": lambda n: float(SSN_DOMAIN),
}
"""Per checksum scheme: how many valid outputs a value of n letters and digits has (at
least: a Belgian IBAN is the tightest of the IBANs)."""
_INTEGER_SCHEMES = ("bsn", "luhn")
"""The schemes an integer column takes: card numbers and BSNs (a leading zero lost) are
often stored as integers."""


class FpeMask(Mask):
    """Text through FF3-1, integers through a digit-keeping permutation; reversible.

    With a checksum scheme (``checksum``, or ``auto`` from the column's ``pii:``), text
    identifiers that pass their validator come out passing it (``ChecksumCipher``).
    """

    kinds = ("fpe", "key")
    wide = True
    families = ("integer", "text", "other")
    hint = "use date_shift for dates, noise for numbers"

    def __init__(self, spec: Any, ctx: MaskContext) -> None:
        super().__init__(spec, ctx)
        self.cipher = TextCipher.shared(ctx.key, spec.domain)
        self.scheme = resolve(getattr(spec, "checksum", "none"), ctx.pii)
        auto = getattr(spec, "checksum", "none") == "auto"
        if auto and ctx.type.is_integer and self.scheme not in _INTEGER_SCHEMES:
            self.scheme = None  # IBANs are never integers
        self.checked = (
            ChecksumCipher.shared(ctx.key, spec.domain, self.scheme) if self.scheme else None
        )
        self._counts = [0, 0]
        self._lock = threading.Lock()

    def check(self, dtype: pl.DataType) -> None:
        super().check(dtype)
        kind = family(dtype)
        if self.scheme is not None and kind != "text" and self.scheme not in _INTEGER_SCHEMES:
            raise self.ctx.error(
                f"checksum {self.scheme} needs text values; this column is {dtype}",
                "store identifiers as text, or set checksum: none",
            )

    def identity(self) -> tuple[str, ...]:
        # a key and an fpe column map alike, unless a checksum scheme changes the mapping
        return ("fpe", self.spec.domain, self.scheme or "")

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        return self._run(values, False)

    def reverse(self, values: pl.Series) -> pl.Series:
        """The source values back (``fauxdata unmask``)."""
        return self._run(values, True)

    def _run(self, values: pl.Series, inverse: bool) -> pl.Series:
        kind = family(values.dtype)
        if self.checked is None or kind not in ("text", "integer"):
            return transform(values, self.ctx.key, self.spec.domain, self.cipher, inverse)
        if kind == "text":
            out, kept, plain = self.checked.apply(values, decrypt=inverse)
        else:
            out, kept, plain = self._integers(values, inverse)
        if not inverse:
            with self._lock:
                self._counts[0] += kept
                self._counts[1] += plain
        return out.cast(values.dtype)

    def _integers(self, values: pl.Series, inverse: bool) -> tuple[pl.Series, int, int]:
        """Card numbers and BSNs stored as integers (a BSN's leading zero lost): the
        valid ones through the scheme as text (a BSN padded to nine digits), which
        comes back as valid digits; the others through the digit-keeping permutation,
        walked until the result is not valid either."""
        assert self.checked is not None and self.scheme is not None
        valid_text = VALIDATORS[self.scheme]
        width = 9 if self.scheme == "bsn" else 0

        def shown(x: pl.Series) -> pl.Series:
            return x.cast(pl.String).str.zfill(width).fill_null("")

        x = values.cast(pl.Int64)
        valid = valid_text(shown(x))
        at = np.flatnonzero(valid)
        done = self.checked.apply(shown(x.gather(at)), decrypt=inverse)[0].cast(pl.Int64)
        rest = np.flatnonzero(~valid & x.is_not_null().to_numpy())
        key, domain = self.ctx.key, self.spec.domain
        y = permute_integers(x.gather(rest), key, domain, inverse)
        bad = np.flatnonzero(valid_text(shown(y)))
        while bad.size:
            y = y.scatter(bad, permute_integers(y.gather(bad), key, domain, inverse))
            bad = bad[valid_text(shown(y.gather(bad)))]
        return x.scatter(at, done).scatter(rest, y), at.size, rest.size

    def shortest(self, output: pl.Series) -> int:
        """With a scheme: the fewest letters and digits (separators do not count)."""
        if self.scheme is None:
            return super().shortest(output)
        alnum = output.cast(pl.String).str.count_matches("[0-9A-Za-z]")
        return int(alnum.min() or 0)  # type: ignore[arg-type]

    def output_space(self, shortest: int) -> float:
        """With a scheme, fewer outputs than digits suggest: the kept and computed
        positions do not vary (``_FREE``)."""
        if self.scheme is None:
            return super().output_space(shortest)
        return _FREE[self.scheme](shortest)

    def tally(self) -> dict[str, int]:
        """Rows kept valid under the checksum scheme, and rows not valid to start with
        (masked by plain FPE, never passed through)."""
        if self.scheme is None:
            return {}
        with self._lock:
            kept, plain = self._counts
        return {f"valid {self.scheme}": kept, f"not valid {self.scheme} (plain fpe)": plain}


def transform(
    values: pl.Series,
    key: MaskKey,
    domain: str,
    cipher: TextCipher,
    inverse: bool = False,
) -> pl.Series:
    if family(values.dtype) == "integer":
        return permute_integers(values, key, domain, inverse)
    out = cipher.apply(values.cast(pl.String), decrypt=inverse)
    return out.cast(values.dtype) if family(values.dtype) == "text" else out


class HashMask(Mask):
    kinds = ("hash",)
    wide = True
    families = ("integer", "text")
    hint = "use noise for numbers, date_shift for dates"

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        h = keyed_hash(values, self.ctx.key.derive("hash", self.spec.domain))
        if family(values.dtype) == "integer":
            x = values.cast(pl.Int64).fill_null(0).to_numpy()
            digits = digit_counts(np.abs(x))
            low = np.where(digits == 1, 0, np.power(np.int64(10), digits - 1))
            span = np.where(digits == 1, 10, 9 * low).astype(np.uint64)
            out = (h % span).astype(np.int64) + low
            return _keep_nulls(values, pl.Series(values.name, np.where(x < 0, -out, out))).cast(
                values.dtype
            )
        return substitute_classes(values, h).cast(values.dtype)


class ScrambleMask(Mask):
    kinds = ("scramble",)
    families = ("text",)

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        seeds = self.ctx.row_stream("scramble").bits(rows)
        return substitute_classes(values, seeds).cast(values.dtype)


class EmailMask(Mask):
    kinds = ("email",)
    wide = True
    families = ("text",)

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        text = values.cast(pl.String)
        h = keyed_hash(text, self.ctx.key.derive("email", self.spec.domain))
        parts = text.str.split_exact("@", 1).struct.unnest()
        local = substitute_classes(parts.get_column("field_0"), h)
        if self.spec.keep_domain:
            domain = parts.get_column("field_1").fill_null("example.com")
        else:
            choices = pl.Series(self.spec.domains)
            domain = choices.gather((h % np.uint64(len(choices))).astype(np.int64))
        out = (local + "@" + domain).alias(values.name)
        return _keep_nulls(values, out)


class UuidMaskImpl(Mask):
    kinds = ("uuid",)
    wide = True
    families = ("text", "other")

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        text = values.cast(pl.String).str.to_lowercase()
        k = self.ctx.key.derive("uuid", self.spec.domain)
        high = keyed_hash(text, k)
        with np.errstate(over="ignore"):
            low = mix64(high ^ np.uint64(k))
        high = (high & np.uint64(0xFFFFFFFFFFFF0FFF)) | np.uint64(0x4000)
        low = (low & np.uint64(0x3FFFFFFFFFFFFFFF)) | np.uint64(0x8000000000000000)
        out = _keep_nulls(values, pl.Series(values.name, uuid_strings(high, low)))
        return out if family(values.dtype) == "text" else out.cast(values.dtype)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_NIBBLES = np.arange(60, -4, -4, dtype=np.uint64)
_DASHES = (8, 13, 18, 23)


def uuid_strings(high: npt.NDArray[np.uint64], low: npt.NDArray[np.uint64]) -> pa.Array:
    """``8-4-4-4-12`` hex text of 128-bit values, built as one byte matrix."""
    n = high.shape[0]
    digits = np.concatenate(
        [(high[:, None] >> _NIBBLES) & np.uint64(15), (low[:, None] >> _NIBBLES) & np.uint64(15)],
        axis=1,
    )
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    keep = np.ones(36, dtype=bool)
    keep[list(_DASHES)] = False
    text[:, keep] = _HEX[digits]
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(text.tobytes())
    )


class NoiseMask(Mask):
    kinds = ("noise",)
    families = ("integer", "number")

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        x = values.cast(pl.Float64).fill_null(0.0).to_numpy()
        u = self.ctx.row_stream("noise").uniform(rows) * 2.0 - 1.0
        spec: m.Noise = self.spec
        moved = x + (u * abs(x) * spec.relative if spec.relative else u * (spec.absolute or 0.0))
        low = spec.min if spec.min is not None else np.where(x >= 0, 0.0, -np.inf)
        high = spec.max if spec.max is not None else np.where(x < 0, 0.0, np.inf)
        out = pl.Series(values.name, np.clip(moved, low, high))
        if family(values.dtype) == "integer":
            out = out.round(0)
        return _keep_nulls(values, cast_column(out, self.ctx.type, self.ctx.path))


class DateShiftMask(Mask):
    kinds = ("date_shift",)
    families = ("temporal",)

    def dependencies(self) -> tuple[str, ...]:
        return (self.spec.entity,) if self.spec.entity else ()

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        if values.dtype not in (pl.Date,) and not isinstance(values.dtype, pl.Datetime):
            raise self.ctx.error(
                f"date_shift needs dates or timestamps; this column is {values.dtype}"
            )
        spec: m.DateShift = self.spec
        k = self.ctx.key.derive("date_shift", spec.domain)
        if spec.entity:
            h = keyed_hash(batch.get_column(spec.entity), k)
        else:
            h = np.full(values.len(), np.uint64(k))
            with np.errstate(over="ignore"):
                h = mix64(h)
        span = np.uint64(2 * spec.max_days)
        k_days = (h % span).astype(np.int64) - spec.max_days
        days = np.where(k_days >= 0, k_days + 1, k_days)  # never 0
        if values.dtype == pl.Date:
            return (values.to_physical() + pl.Series(days.astype(np.int32))).cast(pl.Date)
        unit = values.dtype.time_unit if isinstance(values.dtype, pl.Datetime) else "us"
        per_day = {"ns": 86_400_000_000_000, "us": 86_400_000_000, "ms": 86_400_000}[unit]
        shifted = values.to_physical() + pl.Series(days * per_day)
        return shifted.cast(values.dtype).alias(values.name)


class MockMaskImpl(Mask):
    """A generator fed a keyed hash of the input (``consistent``) or the row ordinal."""

    kinds = ("mock",)

    def __init__(self, spec: Any, ctx: MaskContext) -> None:
        super().__init__(spec, ctx)
        from fauxdata.generators import ColumnContext
        from fauxdata.generators import implementation as generator

        gen = spec.generator
        self.salt = ctx.key.derive("mock", spec.domain, gen.model_dump_json())
        table, column = ("mask", spec.domain) if spec.consistent else (ctx.table, ctx.column)

        def no_lookup(*_: object) -> Any:
            raise ctx.error(f"generator '{gen.kind}' reads other tables; a mask cannot")

        gctx = ColumnContext(
            seed=self.salt & 0x7FFFFFFFFFFFFFFF,
            table=table,
            column=column,
            n_rows=1 << 62,
            type=ctx.type,
            locale=ctx.locale,
            base_dir=ctx.base_dir,
            lookup=no_lookup,
            table_rows=no_lookup,
        )
        self.generator = generator(gen.kind)(gen, gctx)
        if self.generator.dependencies():
            raise ctx.error(f"generator '{gen.kind}' reads other columns; use a formula column")

    def identity(self) -> tuple[str, ...]:
        return ("mock", self.spec.domain, self.spec.generator.model_dump_json())

    def apply(self, values: pl.Series, batch: pl.DataFrame, rows: Rows) -> pl.Series:
        if self.spec.consistent:
            draw = (keyed_hash(values, self.salt) >> np.uint64(2)).astype(np.int64)
        else:
            draw = rows
        out = self.generator.generate(draw, {})
        return _keep_nulls(
            values, cast_column(out, self.ctx.type, self.ctx.path).alias(values.name)
        )


# Masks of documents (JSON, free text) register themselves with the others.
from fauxdata.mask import documents  # noqa: E402,F401
