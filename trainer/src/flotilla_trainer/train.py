"""One training run: dataset -> time split -> fit -> metrics -> ONNX (verified) -> files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .algorithms import ALGORITHMS
from .artifacts import golden_document, golden_rows, to_json, write_atomic
from .dataset import Dataset, file_sha256, load_dataset
from .describe import Run, manifest_document, manifest_header, metadata_document, row_range
from .errors import ArgumentError, DatasetError
from .export import TOLERANCE, check_contract, run_onnx, session, to_onnx
from .export import verify as verify_onnx
from .manifest import (
    check_name,
    check_uri,
    check_version,
    parse_rfc3339,
    render_manifest,
    rfc3339_ms,
)
from .metrics import Metrics, evaluate
from .models import (
    GBT_TUNABLE,
    as_model_input,
    build_estimator,
    fit,
    hyperparameters,
    predict_positive,
)
from .split import Split, time_split, walk_forward_splits

MAX_INPUTS = 256  # Model.spec.inputs maxItems


@dataclass(frozen=True)
class TrainConfig:
    dataset: Path
    algorithm: str
    out_dir: Path
    name: str
    features: tuple[str, ...] | None = None
    seed: int = 7
    valid_fraction: float = 0.3
    purge: bool = True
    folds: int = 0
    uri: str | None = None
    version: str | None = None
    trained_at: str | None = None
    n_estimators: int | None = None
    num_leaves: int | None = None
    learning_rate: float | None = None

    @property
    def overrides(self) -> dict[str, Any]:
        """The gbt parameters given on the command line (--n-estimators, ...)."""
        given = {
            "n_estimators": self.n_estimators,
            "num_leaves": self.num_leaves,
            "learning_rate": self.learning_rate,
        }
        return {k: v for k, v in given.items() if v is not None}


@dataclass(frozen=True)
class TrainResult:
    config: TrainConfig
    dataset: Dataset
    split: Split
    metrics: Metrics
    max_abs_diff: float
    onnx_sha256: str
    files: dict[str, Path]
    metadata: dict[str, Any] = field(repr=False)
    estimator: Any = field(repr=False)


def check_config(c: TrainConfig) -> None:
    if c.algorithm not in ALGORITHMS:
        raise ArgumentError(f"--algorithm: {c.algorithm!r} is not one of: {', '.join(ALGORITHMS)}")
    check_name(c.name)
    if not 0 < c.valid_fraction < 1:
        raise ArgumentError(f"--valid-fraction: {c.valid_fraction} must be above 0 and below 1")
    if not 0 <= c.seed < 2**31:
        raise ArgumentError(f"--seed: {c.seed} must be in [0, 2147483647]")
    if not 0 <= c.folds <= 20:
        raise ArgumentError(f"--folds: {c.folds} must be between 0 and 20")
    for key, value in c.overrides.items():
        lo, hi = GBT_TUNABLE[key]
        if not lo <= value <= hi:
            raise ArgumentError(f"--{key.replace('_', '-')}: {value} is outside [{lo:g}, {hi:g}]")
    hyperparameters(c.algorithm, c.seed, c.overrides)  # only gbt takes overrides
    if c.uri is not None:
        check_uri(c.uri)
    if c.version is not None:
        check_version(c.version)


def train(c: TrainConfig) -> TrainResult:
    """Train, verify the ONNX export, then write the four files (nothing on any error)."""
    check_config(c)
    trained_at = parse_rfc3339("--trained-at", c.trained_at) if c.trained_at else None
    ds = load_dataset(c.dataset, c.features)
    if len(ds.feature_keys) > MAX_INPUTS:
        raise ArgumentError(
            f"--features: the model would take {len(ds.feature_keys)} features, above the Model "
            f"limit of {MAX_INPUTS} (spec.inputs); select fewer with --features"
        )
    purge = ds.label_horizon if c.purge else 0
    split = _split(ds, c.valid_fraction, purge)
    X = as_model_input(ds.X)
    y_train, y_valid = ds.y[split.train], ds.y[split.valid]
    _need_both_labels(ds, y_train, "training rows")
    _need_both_labels(ds, y_valid, "validation rows")

    estimator = build_estimator(c.algorithm, c.seed, c.overrides)
    fit_warnings = fit(estimator, X[split.train], y_train)
    p_valid = predict_positive(estimator, X[split.valid])
    valid_metrics = evaluate(y_valid, p_valid, ds.fwd_return[split.valid])
    train_metrics = evaluate(y_train, predict_positive(estimator, X[split.train]))

    properties = {
        "flotilla.feature_keys": json.dumps(list(ds.feature_keys)),
        "flotilla.feature_set_hash": ds.feature_set_hash,
        "flotilla.algorithm": ALGORITHMS[c.algorithm],
        "flotilla.dataset_sha256": ds.sha256,
    }
    model = to_onnx(estimator, len(ds.feature_keys), c.name, properties)
    check_contract(model, len(ds.feature_keys))
    onnx_bytes = model.SerializeToString()
    sess = session(onnx_bytes)
    X32_valid = X[split.valid].astype(np.float32)
    max_diff = verify_onnx(sess, X32_valid, p_valid)
    onnx_sha = file_sha256(onnx_bytes)

    g = golden_rows(split.valid.size)
    rows = split.valid[g]
    golden = golden_document(
        name=c.name,
        feature_keys=ds.feature_keys,
        X32=X32_valid[g],
        probabilities=run_onnx(sess, X32_valid[g])[:, 1],
        entry_id=ds.entry_id[rows],
        instrument=ds.instrument[rows],
        ts_ms=ds.ts_ms[rows],
        tolerance=TOLERANCE,
    )
    files = {
        k: c.out_dir / f"{c.name}.{k}"
        for k in ("onnx", "metadata.json", "golden.json", "model.yaml")
    }
    run = Run(
        name=c.name,
        algorithm=c.algorithm,
        seed=c.seed,
        valid_fraction=c.valid_fraction,
        purge_ticks=purge,
        hyperparameters=hyperparameters(c.algorithm, c.seed, c.overrides),
        dataset=ds,
        split=split,
        valid_metrics=valid_metrics,
        train_metrics=train_metrics,
        model=model,
        onnx_bytes=onnx_bytes,
        onnx_sha256=onnx_sha,
        max_abs_diff=max_diff,
        golden_rows=len(golden["rows"]),
        folds=_walk_forward(ds, c, purge) if c.folds else None,
        warnings=fit_warnings,
        files=files,
        version=c.version or onnx_sha[:12],
        trained_at=trained_at or rfc3339_ms(int(ds.ts_ms[-1])),
        uri=c.uri or (c.out_dir.resolve() / files["onnx"].name).as_uri(),
    )
    meta = metadata_document(run)
    manifest = render_manifest(manifest_document(run), manifest_header(run))
    c.out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(files["onnx"], onnx_bytes)
    write_atomic(files["metadata.json"], to_json(meta).encode())
    write_atomic(files["golden.json"], to_json(golden).encode())
    write_atomic(files["model.yaml"], manifest.encode())
    return TrainResult(c, ds, split, valid_metrics, max_diff, onnx_sha, files, meta, estimator)


def _split(ds: Dataset, valid_fraction: float, purge: int) -> Split:
    try:
        split = time_split(ds.ts_ms, ds.instrument, valid_fraction, purge)
    except ValueError as err:
        raise DatasetError(f"{ds.path}: cannot split {ds.rows} rows by time: {err}") from err
    if split.train.size == 0:
        raise DatasetError(
            f"{ds.path}: no training rows are left after purging {split.purged.size} rows "
            f"(label horizon {purge} ticks); use more data or a smaller --valid-fraction"
        )
    return split


def _need_both_labels(ds: Dataset, y: NDArray[np.int64], what: str) -> None:
    positives = int(y.sum())
    if positives in (0, y.size):
        raise DatasetError(
            f"{ds.path}: all {y.size} {what} have label {int(y[0])}; a classifier needs both "
            "labels (check flotilla.cost_threshold or use a longer range)"
        )


def _walk_forward(ds: Dataset, c: TrainConfig, purge: int) -> list[dict[str, Any]]:
    try:
        splits = walk_forward_splits(ds.ts_ms, ds.instrument, c.folds, purge, c.valid_fraction)
    except ValueError as err:
        raise ArgumentError(f"--folds: {err}") from err
    X = as_model_input(ds.X)
    out: list[dict[str, Any]] = []
    for i, s in enumerate(splits, start=1):
        fold: dict[str, Any] = {
            "fold": i,
            "train": row_range(ds, s.train),
            "validation": row_range(ds, s.valid),
        }
        try:
            est = build_estimator(c.algorithm, c.seed, c.overrides)
            fit(est, X[s.train], ds.y[s.train])
            m = evaluate(ds.y[s.valid], predict_positive(est, X[s.valid]))
            fold |= {"auc": m.auc, "brier": m.brier, "logLoss": m.log_loss, "baseRate": m.base_rate}
        except ValueError as err:  # a fold with one label only
            fold |= {"auc": None, "brier": None, "logLoss": None, "note": str(err)}
        out.append(fold)
    return out
