"""Dates and timestamps in a range, with an optional shape and a time zone.

Values are integers (days or microseconds since the epoch) drawn by inverse CDF from one
uniform per row, so the same machinery as the numeric generators keeps them pure
functions of the row index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxdata.generators.base import ColumnContext, Generator, Rows
from fauxdata.spec import generators as g

_EPOCH = dt.date(1970, 1, 1)
_STEP_US = {"s": 1_000_000, "ms": 1_000, "us": 1}


def shaped(u: npt.NDArray[np.float64], distribution: str) -> npt.NDArray[np.float64]:
    """Reshape uniforms in [0, 1) into the position within the range, still in [0, 1)."""
    if distribution == "normal":  # centred, the range spans +-3 standard deviations
        # SciPy is imported on first use: 0.3 CPU-s at every start for a shape few use.
        from scipy import special

        edge = float(special.ndtr(-3.0))
        return np.clip(
            (special.ndtri(edge + u * (1 - 2 * edge)) + 3.0) / 6.0,
            0.0,
            np.nextafter(1.0, 0),
        )
    if distribution in ("recent", "early"):  # exponential with 95% of the mass in the range
        x = -np.log1p(-u * 0.95) / 3.0
        x = np.clip(x, 0.0, np.nextafter(1.0, 0))
        return 1.0 - x - 1e-12 if distribution == "recent" else x
    return u


def _positions(
    ctx: ColumnContext, rows: Rows, size: int, distribution: str
) -> npt.NDArray[np.int64]:
    """Offsets in [0, size) for each row."""
    if distribution == "uniform":
        return ctx.stream().below(rows, size)
    u = shaped(ctx.stream().uniform(rows), distribution)
    return np.minimum((u * size).astype(np.int64), size - 1)


class DateGenerator(Generator):
    kinds = ("date",)
    spec: g.DateRange

    def __init__(self, spec: g.DateRange, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.start = (spec.start - _EPOCH).days
        self.size = (spec.end - spec.start).days + 1

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        days = self.start + _positions(self.ctx, rows, self.size, self.spec.distribution)
        return pl.Series(days.astype(np.int32)).cast(pl.Date)

    def domain_size(self) -> int:
        return self.size

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return pl.Series((self.start + index).astype(np.int32)).cast(pl.Date)


def _local(value: dt.datetime, zone: str) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(ZoneInfo(zone))


def _epoch_us(value: dt.datetime, zone: str | None) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone) if zone else dt.UTC)
    delta = value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class TimestampGenerator(Generator):
    """Timestamps; naive bounds are read in ``timezone`` when one is given."""

    kinds = ("timestamp",)
    spec: g.TimestampRange

    def __init__(self, spec: g.TimestampRange, ctx: ColumnContext) -> None:
        super().__init__(spec, ctx)
        self.step = _STEP_US[spec.resolution]
        start, end = _epoch_us(spec.start, spec.timezone), _epoch_us(spec.end, spec.timezone)
        self.start = -(-start // self.step)
        self.size = end // self.step - self.start + 1
        if self.size < 1:
            raise ctx.error(
                f"no {spec.resolution} step fits between start and end", "use a finer resolution"
            )
        self.zone = spec.timezone or (
            str(spec.start.tzinfo) if spec.start.tzinfo is not None else None
        )
        if self.zone is not None and spec.timezone is None:
            self.zone = "UTC"

    def _series(self, steps: npt.NDArray[np.int64]) -> pl.Series:
        series = pl.Series(steps * self.step, dtype=pl.Int64).cast(pl.Datetime("us"))
        if self.zone is not None:
            series = series.dt.replace_time_zone("UTC").dt.convert_time_zone(self.zone)
        return series

    def generate(self, rows: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        if self.spec.hours is not None or self.spec.weekdays_only:
            return self._within_hours(rows)
        return self._series(
            self.start + _positions(self.ctx, rows, self.size, self.spec.distribution)
        )

    def _within_hours(self, rows: Rows) -> pl.Series:
        """A day among the allowed days (shaped by the distribution), then a time within
        the allowed hours of that day, in local time, clamped to [start, end]."""
        spec = self.spec
        zone = self.zone or "UTC"
        first = _local(spec.start, zone).date()
        last = _local(spec.end, zone).date()
        days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
        if spec.weekdays_only:
            days = days[np.is_busday(days)]
        if days.size == 0:
            raise self.ctx.error("no weekday between start and end")
        low, high = spec.hours or (0, 24)
        steps_per_window = (high - low) * 3_600_000_000 // self.step
        day = days[_positions(self.ctx, rows, days.size, spec.distribution)]
        offset = self.ctx.stream("time").below(rows, steps_per_window) * self.step
        local = pl.Series(day.astype("datetime64[us]")).cast(pl.Datetime("us")) + pl.Series(
            (low * 3_600_000_000 + offset).astype("timedelta64[us]")
        )
        value = local.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
        bounds = [
            pl.Series([spec.start]).dt.replace_time_zone(None).dt.replace_time_zone(zone)
            if spec.start.tzinfo is None
            else pl.Series([spec.start]).dt.convert_time_zone(zone),
            pl.Series([spec.end]).dt.replace_time_zone(None).dt.replace_time_zone(zone)
            if spec.end.tzinfo is None
            else pl.Series([spec.end]).dt.convert_time_zone(zone),
        ]
        value = value.clip(bounds[0][0], bounds[1][0])
        return value if self.zone is not None else value.dt.replace_time_zone(None)

    def domain_size(self) -> int:
        if self.spec.hours is not None or self.spec.weekdays_only:
            raise self.ctx.error("unique timestamps cannot also keep to hours or weekdays")
        return self.size

    def at_domain(self, index: Rows, inputs: Mapping[str, pl.Series]) -> pl.Series:
        return self._series(self.start + index)
