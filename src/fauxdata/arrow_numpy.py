"""NumPy arrays as Arrow arrays without importing pandas.

``pa.array`` (and ``pa.scalar``) ask pandas' shim whether their argument is array-like,
and the first such call in a process imports pandas: 0.3-0.6 CPU-seconds, paid by every
run that built a sentence or checked a foreign key, none of which uses pandas. Wrapping
the array's own buffer gives the same Arrow array, zero-copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def from_numpy(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """``pa.array(values, mask=mask)`` for a 1-D array of integers or floats: the rows
    where ``mask`` is true are NULL."""
    if values.ndim != 1 or values.dtype.kind not in "iuf":
        raise TypeError(f"expected a 1-D integer or float array; found {values.dtype}")
    data = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("="))
    validity = None
    if mask is not None and mask.any():
        validity = pa.py_buffer(np.packbits(~mask, bitorder="little"))
    return pa.Array.from_buffers(
        pa.from_numpy_dtype(data.dtype), len(data), [validity, pa.py_buffer(data)]
    )
