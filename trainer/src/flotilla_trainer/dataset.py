"""Reading a training dataset written by `flotilla dataset` and checking it meets the contract.

The file is Arrow IPC (Feather v2, `.arrow`) or Parquet (`.parquet`) with the columns `ts_ms`,
`instrument`, `entry_id`, one float64 column per feature key, `fwd_return` and `label`, and the
schema metadata keys below. The feature values are exactly what the runtime computed: this module
only reads and checks them, it never computes a feature.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
from numpy.typing import NDArray

from .errors import DatasetError

META_FEATURE_KEYS = "flotilla.feature_keys"
META_FEATURE_SET_HASH = "flotilla.feature_set_hash"
META_LABEL_HORIZON = "flotilla.label_horizon"
META_COST_THRESHOLD = "flotilla.cost_threshold"
META_SOURCE = "flotilla.source"
META_FEATURE_VERSIONS = "flotilla.feature_versions"
REQUIRED_METADATA = (
    META_FEATURE_KEYS,
    META_FEATURE_SET_HASH,
    META_LABEL_HORIZON,
    META_COST_THRESHOLD,
)

KEY_COLUMNS = ("ts_ms", "instrument", "entry_id")
LABEL_COLUMNS = ("fwd_return", "label")
IPC_SUFFIXES = (".arrow", ".feather", ".ipc")
PARQUET_SUFFIXES = (".parquet",)

_FEATURE_SET_HASH = re.compile(r"^[0-9a-f]{16}$")
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class Dataset:
    """A checked dataset: feature matrix in the declared key order, labels, and provenance."""

    path: Path
    sha256: str
    feature_keys: tuple[str, ...]
    """The feature columns the model takes, in input order."""
    available_keys: tuple[str, ...]
    """Every feature key the dataset declares (`flotilla.feature_keys`)."""
    feature_set_hash: str
    """Hash of `feature_keys` (the model inputs, in order): `spec.featureSetVersion`."""
    declared_feature_set_hash: str
    """`flotilla.feature_set_hash`: the hash of every declared key."""
    label_horizon: int
    cost_threshold: float
    source: str
    ts_ms: NDArray[np.int64]
    instrument: NDArray[np.str_]
    entry_id: NDArray[np.str_]
    X: NDArray[np.float64]
    fwd_return: NDArray[np.float64]
    y: NDArray[np.int64]

    @property
    def rows(self) -> int:
        return int(self.ts_ms.shape[0])


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def feature_set_hash(keys: Sequence[str], versions: dict[str, int]) -> str:
    """The runtime's featureSetHash (runtime/src/features/feature-set-hash.ts): the first 16 hex
    digits of sha256 over the lines `<key>@<version>\\n`, in input order. A hash, not a feature:
    the versions come from the dataset the runtime wrote."""
    text = "".join(f"{k}@{versions[k]}\n" for k in keys)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_table(path: Path) -> tuple[pa.Table, bytes]:
    """The file's table and its bytes (hashed for provenance), by extension."""
    suffix = path.suffix.lower()
    if suffix not in IPC_SUFFIXES + PARQUET_SUFFIXES:
        raise DatasetError(
            f"{path}: unknown dataset extension {suffix!r}; expected one of "
            f"{', '.join(IPC_SUFFIXES + PARQUET_SUFFIXES)} (Arrow IPC or Parquet)"
        )
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DatasetError(f"{path}: cannot read the dataset ({err.strerror})") from err
    buf = pa.py_buffer(data)
    try:
        if suffix in PARQUET_SUFFIXES:
            table = pq.read_table(pa.BufferReader(buf))
        elif data[:6] == b"ARROW1":
            table = ipc.open_file(buf).read_all()
        else:  # the Arrow IPC stream format has no magic header
            table = ipc.open_stream(buf).read_all()
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as err:
        raise DatasetError(f"{path}: not a readable {suffix[1:]} file ({err})") from err
    return table, data


def load_dataset(path: Path, features: Sequence[str] | None = None) -> Dataset:
    """Read and check a dataset; `features` selects and orders a subset of the declared keys."""
    table, data = read_table(path)
    meta = _metadata(path, table.schema)
    available = _feature_keys(path, meta[META_FEATURE_KEYS])
    keys = _select(path, available, features)
    model_hash = _model_feature_set_hash(path, meta, available, keys)

    names = set(table.column_names)
    for col in (*KEY_COLUMNS, *keys, *LABEL_COLUMNS):
        if col not in names:
            what = "feature column" if col in keys else "column"
            raise DatasetError(
                f"{path}: missing {what} {col!r} (columns: {', '.join(table.column_names)})"
            )
    if table.num_rows == 0:
        raise DatasetError(f"{path}: the dataset has no rows; export a longer tick range")
    for col in (*KEY_COLUMNS, *keys, *LABEL_COLUMNS):
        nulls = table.column(col).null_count
        if nulls:
            raise DatasetError(f"{path}: column {col!r} has {nulls} null value(s)")

    ts_ms = _integer_column(path, table, "ts_ms")
    entry_id = np.asarray(table.column("entry_id").to_pylist(), dtype=np.str_)
    order_breaks = np.flatnonzero(np.diff(ts_ms) < 0)
    if order_breaks.size:
        i = int(order_breaks[0]) + 1
        raise DatasetError(
            f"{path}: rows must be ordered by ts_ms; row {i} (entry_id {entry_id[i]}) has ts_ms "
            f"{ts_ms[i]} after {ts_ms[i - 1]}"
        )
    y = _integer_column(path, table, "label")
    bad = np.flatnonzero((y != 0) & (y != 1))
    if bad.size:
        i = int(bad[0])
        raise DatasetError(
            f"{path}: column 'label' must be 0 or 1; row {i} (entry_id {entry_id[i]}) has {y[i]}"
        )
    X = np.empty((table.num_rows, len(keys)), dtype=np.float64)
    for j, key in enumerate(keys):
        X[:, j] = _float_column(path, table, key, entry_id, feature=True)
    fwd_return = _float_column(path, table, "fwd_return", entry_id, feature=False)

    return Dataset(
        path=path,
        sha256=file_sha256(data),
        feature_keys=keys,
        available_keys=available,
        feature_set_hash=model_hash,
        declared_feature_set_hash=meta[META_FEATURE_SET_HASH],
        label_horizon=_horizon(path, meta[META_LABEL_HORIZON]),
        cost_threshold=_cost_threshold(path, meta[META_COST_THRESHOLD]),
        source=meta.get(META_SOURCE, ""),
        ts_ms=ts_ms,
        instrument=np.asarray(table.column("instrument").to_pylist(), dtype=np.str_),
        entry_id=entry_id,
        X=X,
        fwd_return=fwd_return,
        y=y,
    )


def _metadata(path: Path, schema: pa.Schema) -> dict[str, str]:
    raw: dict[bytes, bytes] = schema.metadata or {}
    meta = {k.decode("utf-8"): v.decode("utf-8") for k, v in raw.items()}
    for key in REQUIRED_METADATA:
        if key not in meta:
            raise DatasetError(f"{path}: schema metadata key {key!r} is missing")
    if not _FEATURE_SET_HASH.match(meta[META_FEATURE_SET_HASH]):
        raise DatasetError(
            f"{path}: {META_FEATURE_SET_HASH} {meta[META_FEATURE_SET_HASH]!r} is not 16 lowercase "
            "hex characters"
        )
    return meta


def _feature_keys(path: Path, raw: str) -> tuple[str, ...]:
    try:
        keys: Any = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path}: {META_FEATURE_KEYS} is not JSON ({err.msg})") from err
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
        raise DatasetError(f"{path}: {META_FEATURE_KEYS} must be a non-empty JSON list of strings")
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise DatasetError(f"{path}: {META_FEATURE_KEYS} lists {', '.join(dupes)} more than once")
    return tuple(keys)


def _model_feature_set_hash(
    path: Path, meta: dict[str, str], available: tuple[str, ...], keys: tuple[str, ...]
) -> str:
    """The hash of the selected inputs. The declared hash serves when the selection is every
    declared key in order; another selection needs `flotilla.feature_versions` to be hashed."""
    declared = meta[META_FEATURE_SET_HASH]
    raw = meta.get(META_FEATURE_VERSIONS)
    if raw is None:
        if keys != available:
            raise DatasetError(
                f"{path}: --features selects {', '.join(keys)}, not the declared list in order, "
                f"and the dataset has no {META_FEATURE_VERSIONS} to compute that list's "
                "feature-set hash; export a dataset with exactly these features "
                "(flotilla dataset --features ...)"
            )
        return declared
    versions = _feature_versions(path, raw, available)
    computed = feature_set_hash(available, versions)
    if computed != declared:
        raise DatasetError(
            f"{path}: {META_FEATURE_SET_HASH} {declared} is not the hash of "
            f"{META_FEATURE_KEYS} with {META_FEATURE_VERSIONS} ({computed}); the metadata was "
            "changed after export"
        )
    return feature_set_hash(keys, versions)


def _feature_versions(path: Path, raw: str, keys: tuple[str, ...]) -> dict[str, int]:
    try:
        versions: Any = json.loads(raw)
    except json.JSONDecodeError as err:
        raise DatasetError(f"{path}: {META_FEATURE_VERSIONS} is not JSON ({err.msg})") from err
    if not isinstance(versions, dict):
        raise DatasetError(f"{path}: {META_FEATURE_VERSIONS} must be a JSON object key -> version")
    for k in keys:
        v = versions.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise DatasetError(
                f"{path}: {META_FEATURE_VERSIONS} must give every feature key an integer "
                f"version >= 1; {k!r} has {v!r}"
            )
    return {k: int(versions[k]) for k in keys}


def _select(
    path: Path, available: tuple[str, ...], wanted: Sequence[str] | None
) -> tuple[str, ...]:
    if wanted is None:
        return available
    if not wanted:
        raise DatasetError(f"{path}: --features selects no feature")
    unknown = [k for k in wanted if k not in available]
    if unknown:
        raise DatasetError(
            f"{path}: --features names {', '.join(unknown)}, which the dataset does not declare "
            f"(it has: {', '.join(available)})"
        )
    dupes = sorted({k for k in wanted if list(wanted).count(k) > 1})
    if dupes:
        raise DatasetError(f"{path}: --features lists {', '.join(dupes)} more than once")
    return tuple(wanted)


def _integer_column(path: Path, table: pa.Table, name: str) -> NDArray[np.int64]:
    col = table.column(name)
    if not pa.types.is_integer(col.type):
        raise DatasetError(f"{path}: column {name!r} must be an integer, not {col.type}")
    return np.asarray(col.to_numpy(), dtype=np.int64)


def _float_column(
    path: Path, table: pa.Table, name: str, entry_id: NDArray[np.str_], *, feature: bool
) -> NDArray[np.float64]:
    col = table.column(name)
    if not pa.types.is_floating(col.type):
        raise DatasetError(f"{path}: column {name!r} must be float64, not {col.type}")
    values = np.asarray(col.to_numpy(), dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise DatasetError(
            f"{path}: column {name!r} has {bad.size} non-finite value(s) (first: {values[i]} at "
            f"row {i}, entry_id {entry_id[i]}); the dataset contract has no NaN or infinity"
        )
    if feature:
        big = np.flatnonzero(np.abs(values) > _FLOAT32_MAX)
        if big.size:
            i = int(big[0])
            raise DatasetError(
                f"{path}: column {name!r} has {values[i]} at row {i}, beyond float32 "
                f"(the model input type); the limit is {_FLOAT32_MAX:.6g}"
            )
    return values


def _horizon(path: Path, raw: str) -> int:
    try:
        h = int(raw)
    except ValueError:
        h = 0
    if h < 1:
        raise DatasetError(f"{path}: {META_LABEL_HORIZON} {raw!r} must be an integer >= 1 (ticks)")
    return h


def _cost_threshold(path: Path, raw: str) -> float:
    try:
        c = float(raw)
    except ValueError:
        c = float("nan")
    if not np.isfinite(c):
        raise DatasetError(f"{path}: {META_COST_THRESHOLD} {raw!r} is not a finite number")
    return c
