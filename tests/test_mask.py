"""The masks one by one: formats kept, consistency keyed by the secret, bijections for
keys, reversibility of FPE, bounds of noise and date shifts, and the leak check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from fauxdata.errors import FauxdataError, SpecError
from fauxdata.mask import fpe as fpe_module
from fauxdata.mask import leaks as leaks_module
from fauxdata.mask.fpe import TextCipher, permute_integers
from fauxdata.mask.hashing import keyed_hash
from fauxdata.mask.keys import MaskKey, resolve_key
from fauxdata.mask.leaks import ColumnLeaks
from fauxdata.mask.masks import Mask, MaskContext, implementation
from fauxdata.spec import validate_spec
from fauxdata.spec.masks import MaskSpec, mask_kinds
from fauxdata.spec.types import parse_type

KEY = MaskKey("a-long-enough-test-secret")
OTHER = MaskKey("a-different-test-secret!!")


def _mask(spec: Any, type_: str, key: MaskKey = KEY, table: str = "t", column: str = "c") -> Mask:
    parsed = TypeAdapter(MaskSpec).validate_python(spec)
    ctx = MaskContext(key, table, column, parse_type(type_), "en_US", Path())
    return implementation(parsed.kind)(parsed, ctx)


def _apply(spec: Any, values: pl.Series, type_: str = "text", **kw: Any) -> pl.Series:
    frame = pl.DataFrame([values])
    return _mask(spec, type_, **kw).apply(values, frame, np.arange(values.len(), dtype=np.int64))


def test_every_mask_kind_is_implemented() -> None:
    assert sorted(mask_kinds()) == sorted(Mask.registry)
    with pytest.raises(FauxdataError, match="did you mean 'hash'"):
        implementation("hsh")


def test_keyed_hash_is_the_same_in_any_slice_and_differs_by_key() -> None:
    values = pl.Series(["a", "bb", None, "a", "ccc" * 9, ""])
    whole = keyed_hash(values, 1)
    assert whole[0] == whole[3]
    assert (keyed_hash(values.slice(3), 1) == whole[3:]).all()
    assert (keyed_hash(values, 2)[[0, 1, 4]] != whole[[0, 1, 4]]).all()
    assert len(set(keyed_hash(pl.Series([f"v{i}" for i in range(10000)]), 1).tolist())) == 10000


@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=200, unique=True))
@settings(max_examples=50, deadline=None)
def test_integer_keys_are_a_digit_keeping_bijection(values: list[int]) -> None:
    series = pl.Series(values, dtype=pl.Int64)
    mapped = permute_integers(series, KEY, "default")
    assert mapped.n_unique() == series.len()
    for before, after in zip(values, mapped.to_list(), strict=True):
        assert len(str(abs(before))) == len(str(abs(after)))
        assert (before < 0) == (after < 0)
    assert permute_integers(mapped, KEY, "default", inverse=True).to_list() == values


@given(st.lists(st.from_regex(r"[A-Za-z0-9 .\-]{1,40}", fullmatch=True), min_size=1, max_size=30))
@settings(max_examples=30, deadline=None)
def test_fpe_keeps_format_and_reverses(values: list[str]) -> None:
    series = pl.Series(values)
    encrypted = TextCipher(KEY, "prop").apply(series)
    for before, after in zip(values, encrypted.to_list(), strict=True):
        assert len(before) == len(after)
        for a, b in zip(before, after, strict=True):
            assert a.isdigit() == b.isdigit() and a.isupper() == b.isupper()
            assert a.islower() == b.islower()
            if not a.isalnum():
                assert a == b
    assert TextCipher(KEY, "prop").apply(encrypted, decrypt=True).to_list() == values
    assert encrypted.n_unique() == series.n_unique()


def test_fpe_handles_values_longer_than_one_block() -> None:
    long = pl.Series(["1" * 130, "9" * 57 + "1", "123456"])
    out = TextCipher(KEY, "long").apply(long)
    assert out.str.len_chars().to_list() == [130, 58, 6]
    assert TextCipher(KEY, "long").apply(out, decrypt=True).to_list() == long.to_list()


def test_fpe_encrypts_each_distinct_value_once_and_caches_long_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cipher = TextCipher(KEY, "cache")
    out = cipher.apply(pl.Series(["123-456-789"] * 1000 + ["987-654-321"] * 1000))
    assert cipher.encrypted == 2 and out.n_unique() == 2
    long = "1" * 60  # past FF3-1's maximum: in parts through the ff3 package, remembered
    encrypted = cipher.apply(pl.Series([long]))[0]
    assert cipher._cache[(long, False)] == encrypted and cipher._cache[(encrypted, True)] == long
    monkeypatch.setattr(fpe_module, "CACHE_SIZE", 1)
    cipher.apply(pl.Series(["2" * 60]))
    assert len(cipher._cache) == 2  # full: emptied before the new pair went in


def test_hash_keeps_type_and_shape_and_is_consistent() -> None:
    text = pl.Series(["AB-12 cd", "AB-12 cd", "xyz"])
    out = _apply({"kind": "hash"}, text)
    assert out[0] == out[1] and out[0] != text[0]
    assert out.str.contains(r"^[A-Z]{2}-\d{2} [a-z]{2}$")[0]
    ints = pl.Series([7, 1234, -56789, None], dtype=pl.Int32)
    hashed = _apply({"kind": "hash"}, ints, "integer")
    assert hashed.dtype == pl.Int32 and hashed[3] is None
    assert [len(str(abs(v))) for v in hashed.to_list()[:3]] == [1, 4, 5]
    assert hashed[2] < 0
    assert _apply({"kind": "hash"}, text, key=OTHER)[0] != out[0]


def test_email_and_uuid_are_valid_and_consistent() -> None:
    emails = pl.Series(["jan.smit@bank.nl", "JAN@x.org", None, "jan.smit@bank.nl"])
    out = _apply({"kind": "email"}, emails)
    assert out[0] == out[3] and out[2] is None
    assert out.drop_nulls().str.contains(r"^[^@\s]+@example\.(com|org|net)$").all()
    kept = _apply({"kind": "email", "keep_domain": True}, emails)
    assert kept[0].endswith("@bank.nl") and kept[0] != emails[0]
    ids = pl.Series(
        ["6F1C1F7E-1B7F-4A8E-9A1E-0C2F0C8D9E11", "6f1c1f7e-1b7f-4a8e-9a1e-0c2f0c8d9e11"]
    )
    uuids = _apply({"kind": "uuid"}, ids)
    assert uuids[0] == uuids[1] != ids[1]
    assert uuids.str.contains(
        r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    ).all()


def test_mock_consistent_across_tables_and_keyed() -> None:
    names = pl.Series(["Ann", "Bob", "Ann", None])
    spec = {"kind": "mock", "generator": "first_name"}
    here = _apply(spec, names, table="customers", column="first")
    there = _apply(spec, names.reverse(), table="orders", column="buyer").reverse()
    assert here.to_list() == there.to_list()
    assert here[0] == here[2] and here[3] is None
    assert _apply(spec, names, key=OTHER).to_list() != here.to_list()
    rows = _apply({**spec, "consistent": False}, pl.Series(["Ann"] * 50))
    assert rows.n_unique() > 1  # per row, not per value
    with pytest.raises(FauxdataError, match="reads other"):
        _mask({"kind": "mock", "generator": {"kind": "foreign_key", "references": "a.b"}}, "text")


def test_noise_keeps_bounds_and_integers() -> None:
    values = pl.Series(list(range(0, 1000)), dtype=pl.Int64)
    out = _apply({"kind": "noise", "relative": 0.5, "max": 1100}, values, "bigint")
    assert out.dtype == pl.Int64 and out.min() >= 0 and out.max() <= 1100
    assert (out != values).sum() > 500
    money = pl.Series([10.0, -5.0, None])
    moved = _apply({"kind": "noise", "absolute": 100}, money, "double")
    assert moved[0] >= 0 and moved[1] <= 0 and moved[2] is None


def test_date_shift_one_shift_per_entity() -> None:
    frame = pl.DataFrame(
        {
            "customer": [1, 1, 2, 2, 3],
            "day": [dt.date(2024, 1, 1), dt.date(2024, 1, 11), dt.date(2024, 1, 1), None, dt.date(2024, 3, 1)],
        }
    )  # fmt: skip
    mask = _mask({"kind": "date_shift", "entity": "customer", "max_days": 10}, "date")
    out = mask.apply(frame["day"], frame, np.arange(5, dtype=np.int64))
    assert (out[1] - out[0]).days == 10  # the interval within customer 1 survives
    shifts = [(a - b).days for a, b in zip(out.to_list(), frame["day"].to_list(), strict=True) if a]
    assert all(1 <= abs(s) <= 10 for s in shifts)
    stamps = pl.Series([dt.datetime(2024, 5, 5, 12, 30)])
    moved = _mask({"kind": "date_shift"}, "timestamp").apply(stamps, pl.DataFrame(), np.arange(1))
    assert moved[0].time() == stamps[0].time() and moved[0] != stamps[0]


def test_scramble_null_redact() -> None:
    text = pl.Series(["Ab-1", "Ab-1", None])
    scrambled = _apply({"kind": "scramble"}, text)
    assert scrambled.str.contains(r"^[A-Z][a-z]-\d$")[0] and scrambled[2] is None
    assert _apply({"kind": "null"}, text).null_count() == 3
    assert _apply({"kind": "redact", "text": "***"}, text).to_list() == ["***", "***", None]


def test_masks_refuse_types_they_cannot_keep() -> None:
    with pytest.raises(FauxdataError, match=r"tables\.t\.columns\.c\.mask: hash needs"):
        _mask({"kind": "hash"}, "date").check(pl.Date)
    with pytest.raises(FauxdataError, match="date_shift needs temporal"):
        _mask({"kind": "date_shift"}, "text").check(pl.String)


def test_spec_models_for_mask_tables() -> None:
    spec = validate_spec(
        {
            "name": "s",
            "tables": {
                "t": {"mode": "mask", "columns": {"a": {"mask": "hash"}, "b": {"formula": "1"}}}
            },
        }
    )
    assert spec.tables["t"].columns["a"].generator.kind == "source"
    with pytest.raises(SpecError, match="set 'mode: mask'"):
        validate_spec(
            {"name": "s", "tables": {"t": {"rows": 1, "columns": {"a": {"mask": "hash"}}}}}
        )
    with pytest.raises(SpecError, match="drop 'rows'"):
        validate_spec(
            {
                "name": "s",
                "tables": {"t": {"mode": "mask", "rows": 3, "columns": {"a": {"mask": "null"}}}},
            }
        )
    with pytest.raises(SpecError, match="either 'relative' or 'absolute'"):
        validate_spec(
            {
                "name": "s",
                "tables": {"t": {"mode": "mask", "columns": {"a": {"mask": {"kind": "noise"}}}}},
            }
        )


def test_key_is_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "s3cr3t-value-that-must-not-leak"
    monkeypatch.setenv("K", secret)
    key = resolve_key("env:K")
    assert secret not in repr(key) and secret not in str(key)
    with pytest.raises(FauxdataError) as caught:
        resolve_key(secret)
    assert secret not in str(caught.value)
    with pytest.raises(FauxdataError, match="is not set"):
        resolve_key("env:NOT_SET_ANYWHERE")


def test_leak_check_counts_and_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    source = pl.Series([f"ACC-{i:06d}" for i in range(5000)])
    mask = _mask({"kind": "fpe"}, "text")
    same = ColumnLeaks("t", "c", mask, 7, 0.01)
    same.update(source, source)
    assert same.figures().leaks and same.figures().unchanged == 5000
    masked = ColumnLeaks("t", "c", mask, 7, 0.01)
    masked.update(source, mask.apply(source, pl.DataFrame(), np.arange(5000)))
    figures = masked.figures()
    assert not figures.leaks and figures.found is not None and figures.found < 50
    shifted = ColumnLeaks("t", "c", mask, 7, 0.01)
    shifted.update(source, pl.concat([source.slice(1), source.slice(0, 1)]))  # values moved rows
    assert shifted.figures().unchanged == 0 and shifted.figures().leaks  # found elsewhere
    monkeypatch.setattr(leaks_module, "CAP", 256)
    sampled = ColumnLeaks("t", "c", mask, 7, 0.01)
    for start in range(0, 5000, 1000):
        chunk = source.slice(start, 1000)
        sampled.update(chunk, chunk)
    result = sampled.figures()
    assert result.sampled and result.leaks
    assert 2500 < result.distinct < 10000  # estimated from the slice of the hash space kept
    assert json.dumps(result.as_dict())


def test_leak_check_counts_distinct_values_exactly_then_estimates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a found check only the source's distinct values are counted: exactly up
    to COUNT_CAP, estimated from a slice of the hash space past it."""
    mask = _mask({"kind": "scramble"}, "text")
    source = pl.Series([f"ref {i}" for i in range(3000)])
    exact = ColumnLeaks("t", "c", mask, 7, 0.01)
    exact.update(source, source)
    assert exact.figures().distinct == 3000 and not exact.figures().sampled
    assert exact.output.kept.size == 0 and not exact.output._pending  # no output side kept
    monkeypatch.setattr(leaks_module, "COUNT_CAP", 512)
    estimated = ColumnLeaks("t", "c", mask, 7, 0.01)
    for start in range(0, 3000, 500):
        estimated.update(source.slice(start, 500), source.slice(start, 500))
    figures = estimated.figures()
    assert figures.sampled and 1500 < figures.distinct < 6000
    assert figures.unchanged == 3000 and figures.leaks
