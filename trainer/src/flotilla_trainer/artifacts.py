"""The files a training run writes besides the manifest: metadata and golden rows (pure builders
plus one writer). JSON is written with a fixed key order and no wall-clock times."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

GOLDEN_ROWS = 50


def golden_rows(n: int, limit: int = GOLDEN_ROWS) -> NDArray[np.intp]:
    """Up to `limit` row positions spread evenly over [0, n), first and last included."""
    if n <= 0:
        return np.zeros(0, dtype=np.intp)
    return np.unique(np.linspace(0, n - 1, num=min(limit, n)).round().astype(np.intp))


def golden_document(
    *,
    name: str,
    feature_keys: tuple[str, ...],
    X32: NDArray[np.float32],
    probabilities: NDArray[np.float32],
    entry_id: NDArray[np.str_],
    instrument: NDArray[np.str_],
    ts_ms: NDArray[np.int64],
    tolerance: float,
) -> dict[str, Any]:
    """Rows and the trainer's own ONNX probabilities for the TypeScript agreement test.

    Every number is a float32 value written as its exact decimal double, so
    `Float32Array.from(row.features)` in Node reproduces the model input bit for bit.
    """
    return {
        "model": name,
        "input": "features",
        "output": "probabilities",
        "column": 1,
        "featureKeys": list(feature_keys),
        "tolerance": tolerance,
        "rows": [
            {
                "entryId": str(entry_id[i]),
                "instrument": str(instrument[i]),
                "tsMs": int(ts_ms[i]),
                "features": X32[i].astype(np.float64).tolist(),
                "probability": float(probabilities[i]),
            }
            for i in range(X32.shape[0])
        ],
    }


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
