"""``from_numpy`` gives the Arrow array ``pa.array`` gives, NULLs included."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from fauxdata.arrow_numpy import from_numpy


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "uint64", "float32", "<f8"])
def test_the_same_array_as_pa_array(dtype: str) -> None:
    values = (np.arange(-50, 150) * 3).astype(dtype)
    mask = values.astype(np.int64) % 7 == 0
    assert from_numpy(values).equals(pa.array(values))
    assert from_numpy(values, mask=mask).equals(pa.array(values, mask=mask))
    assert from_numpy(values, mask=np.zeros(values.shape, dtype=bool)).null_count == 0


def test_a_strided_view_is_copied_in_order() -> None:
    values = np.arange(20, dtype=np.int64)[::3]
    assert from_numpy(values).to_pylist() == list(range(0, 20, 3))


def test_big_endian_values_are_read_as_numbers() -> None:
    values = np.array([1, -2, 300_000_000_000], dtype=">i8")
    assert from_numpy(values).to_pylist() == [1, -2, 300_000_000_000]


@pytest.mark.parametrize("values", [np.array([True, False]), np.zeros((2, 2), dtype=np.int64)])
def test_other_arrays_are_refused(values: np.ndarray) -> None:
    with pytest.raises(TypeError, match="1-D integer or float"):
        from_numpy(values)
