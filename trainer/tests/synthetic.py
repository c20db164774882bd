"""Synthetic datasets in the `flotilla dataset` schema, for tests only.

The feature columns are random numbers named like runtime features, not computed features: the
label is drawn from a known logistic function of them (a planted relation) or independently of
them (no relation), so a test knows what a model can learn.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from flotilla_trainer.dataset import feature_set_hash

FEATURES = ("return_5", "ema_20", "rsi_14", "zscore_50", "macd_12_26_9")
# Every catalog feature is at implementation version 1 (runtime/src/features/registry.ts).
VERSIONS = dict.fromkeys(FEATURES, 1)
FEATURE_SET_HASH = feature_set_hash(FEATURES, VERSIONS)
START_MS = 1_700_000_000_000
STEP_MS = 1_000


def make_table(
    *,
    ticks: int = 1000,
    instruments: tuple[str, ...] = ("BTC-USD", "ETH-USD"),
    relation: bool = True,
    seed: int = 0,
    horizon: int = 5,
    cost_threshold: float = 0.0,
    features: tuple[str, ...] = FEATURES,
) -> pa.Table:
    """`ticks` timestamps x `instruments`, ordered by ts_ms then instrument."""
    rng = np.random.default_rng(seed)
    n = ticks * len(instruments)
    ts = np.repeat(START_MS + STEP_MS * np.arange(ticks, dtype=np.int64), len(instruments))
    inst = np.tile(np.asarray(instruments), ticks)
    z = rng.standard_normal((n, len(features)))
    scale = np.resize([0.002, 0.003, 0.15, 1.0, 0.001], len(features))
    values = z * scale
    if "rsi_14" in features:  # an RSI-like column lives in [0, 1]
        j = features.index("rsi_14")
        values[:, j] = 1 / (1 + np.exp(-z[:, j]))
    noise = rng.logistic(size=n)
    if relation:
        # P(label = 1) = sigmoid(logit): linear in three columns plus one bend for the trees.
        logit = 1.4 * z[:, 0] - 1.0 * z[:, 3] + 0.8 * z[:, 2] + 0.6 * np.abs(z[:, 1]) - 0.5
    else:
        logit = np.zeros(n)
    fwd_return = 0.001 * (logit + noise)
    label = (fwd_return > cost_threshold).astype(np.int8)
    columns: dict[str, pa.Array] = {
        "ts_ms": pa.array(ts, pa.int64()),
        "instrument": pa.array(inst.tolist(), pa.string()),
        "entry_id": pa.array([f"{t}-0" for t in ts.tolist()], pa.string()),
    }
    for j, key in enumerate(features):
        columns[key] = pa.array(values[:, j], pa.float64())
    columns["fwd_return"] = pa.array(fwd_return, pa.float64())
    columns["label"] = pa.array(label, pa.int8())
    return pa.table(columns).replace_schema_metadata(
        metadata(features=features, horizon=horizon, cost_threshold=cost_threshold)
    )


def metadata(
    *,
    features: tuple[str, ...] = FEATURES,
    horizon: int = 5,
    cost_threshold: float = 0.0,
    versions: bool = True,
) -> dict[str, str]:
    """The contract's metadata; `versions=False` leaves out the optional feature versions."""
    meta = {
        "flotilla.feature_keys": json.dumps(list(features)),
        "flotilla.feature_set_hash": feature_set_hash(features, dict.fromkeys(features, 1)),
        "flotilla.label_horizon": str(horizon),
        "flotilla.cost_threshold": repr(cost_threshold),
        "flotilla.source": "synthetic test fixture",
    }
    if versions:
        meta["flotilla.feature_versions"] = json.dumps(dict.fromkeys(features, 1))
    return meta


def write(table: pa.Table, path: Path, *, stream: bool = False) -> Path:
    """Arrow IPC file (or stream) for .arrow, Parquet for .parquet."""
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    elif stream:
        with pa.OSFile(str(path), "wb") as sink, ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
    else:
        with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
    return path
