"""What a training run writes about itself: the metadata document and the Model manifest (pure
functions of the run, so the same run gives the same bytes)."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from numpy.typing import NDArray

from . import __version__
from .algorithms import ALGORITHMS
from .dataset import Dataset
from .export import INPUT_NAME, OUTPUT_NAME, TOLERANCE
from .manifest import ManifestInputs, build_manifest, rfc3339_ms
from .metrics import Metrics
from .split import Split

TRAINER = f"flotilla-trainer {__version__}"
# Floats as the metadata states them: a metric to 10 significant digits, the ONNX parity
# difference (a difference of nearly equal numbers) to 3. CPUs of another SIMD width (AVX2,
# AVX-512) sum in another order and move the last bits of a metric while the ONNX file stays
# the same byte for byte; rounded, so does its metadata (test/integration/learning).
METRIC_DIGITS = 10
PARITY_DIGITS = 3
LIBRARIES = (
    "numpy",
    "scikit-learn",
    "lightgbm",
    "onnx",
    "skl2onnx",
    "onnxmltools",
    "onnxruntime",
    "pyarrow",
)


@dataclass(frozen=True)
class Run:
    """Everything one training run produced."""

    name: str
    algorithm: str
    seed: int
    valid_fraction: float
    purge_ticks: int
    hyperparameters: dict[str, Any]
    dataset: Dataset
    split: Split
    valid_metrics: Metrics
    train_metrics: Metrics
    model: onnx.ModelProto
    onnx_bytes: bytes
    onnx_sha256: str
    max_abs_diff: float
    golden_rows: int
    folds: list[dict[str, Any]] | None
    warnings: list[str]
    files: dict[str, Path]
    version: str
    trained_at: str
    uri: str


def row_range(ds: Dataset, idx: NDArray[np.intp]) -> dict[str, Any]:
    return {
        "rows": int(idx.size),
        "from": rfc3339_ms(int(ds.ts_ms[idx[0]])),
        "to": rfc3339_ms(int(ds.ts_ms[idx[-1]])),
    }


def significant(x: float, digits: int) -> float:
    """`x` to `digits` significant digits."""
    return float(f"{x:.{digits}g}")


def rounded(value: Any, digits: int = METRIC_DIGITS) -> Any:
    """Every float in a JSON-like document to `digits` significant digits."""
    if isinstance(value, float):
        return significant(value, digits)
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, digits) for v in value]
    return value


def metadata_document(r: Run) -> dict[str, Any]:
    ds, split, n = r.dataset, r.split, len(r.dataset.feature_keys)
    tm = r.train_metrics
    doc: dict[str, Any] = rounded(
        {
            "name": r.name,
            "version": r.version,
            "trainer": TRAINER,
            "algorithm": r.algorithm,
            "provenanceAlgorithm": ALGORITHMS[r.algorithm],
            "trainedAt": r.trained_at,
            "seed": r.seed,
            "hyperparameters": {
                k: list(v) if isinstance(v, tuple) else v for k, v in r.hyperparameters.items()
            },
            "featureKeys": list(ds.feature_keys),
            "featureSetHash": ds.feature_set_hash,
            "dataset": {
                "file": ds.path.name,
                "sha256": ds.sha256,
                "source": ds.source,
                "rows": ds.rows,
                "instruments": sorted(set(ds.instrument.tolist())),
                "dataFrom": rfc3339_ms(int(ds.ts_ms[0])),
                "dataTo": rfc3339_ms(int(ds.ts_ms[-1])),
                "labelHorizon": ds.label_horizon,
                "costThreshold": ds.cost_threshold,
                "declaredFeatureKeys": list(ds.available_keys),
                "declaredFeatureSetHash": ds.declared_feature_set_hash,
            },
            "split": {
                "validFraction": r.valid_fraction,
                "purgeTicks": r.purge_ticks,
                "boundary": rfc3339_ms(split.boundary_ts),
                "train": row_range(ds, split.train),
                "purgedRows": int(split.purged.size),
                "validation": row_range(ds, split.valid),
            },
            "metrics": {
                "validation": r.valid_metrics.to_json(),
                "train": {
                    "rows": tm.rows,
                    "auc": tm.auc,
                    "brier": tm.brier,
                    "logLoss": tm.log_loss,
                },
            },
            "walkForward": r.folds,
            "onnx": {
                "file": r.files["onnx"].name,
                "sha256": r.onnx_sha256,
                "bytes": len(r.onnx_bytes),
                "input": {"name": INPUT_NAME, "type": "float32", "shape": [None, n]},
                "outputs": [o.name for o in r.model.graph.output],
                "scoreOutput": {"name": OUTPUT_NAME, "column": 1},
                "opsets": {o.domain or "ai.onnx": o.version for o in r.model.opset_import},
                "maxAbsDiff": significant(r.max_abs_diff, PARITY_DIGITS),
                "tolerance": TOLERANCE,
            },
            "golden": {"file": r.files["golden.json"].name, "rows": r.golden_rows},
            "libraries": {"python": platform.python_version()}
            | {lib: importlib_metadata.version(lib) for lib in LIBRARIES},
            "warnings": r.warnings,
        }
    )
    return doc


def manifest_document(r: Run) -> dict[str, Any]:
    """The Model: provenance rows and range are the training rows; metrics are measured on the
    later validation window, whose range the annotations give."""
    ds, split, m = r.dataset, r.split, r.valid_metrics
    return build_manifest(
        ManifestInputs(
            name=r.name,
            uri=r.uri,
            sha256=r.onnx_sha256,
            feature_keys=ds.feature_keys,
            feature_set_hash=ds.feature_set_hash,
            version=r.version,
            algorithm=ALGORITHMS[r.algorithm],
            trainer=TRAINER,
            trained_at=r.trained_at,
            data_from=rfc3339_ms(int(ds.ts_ms[split.train[0]])),
            data_to=rfc3339_ms(int(ds.ts_ms[split.train[-1]])),
            dataset_sha256=ds.sha256,
            rows=int(split.train.size),
            auc=m.auc,
            brier=m.brier,
            log_loss=m.log_loss,
            validation_from=rfc3339_ms(int(ds.ts_ms[split.valid[0]])),
            validation_to=rfc3339_ms(int(ds.ts_ms[split.valid[-1]])),
            validation_rows=int(split.valid.size),
        )
    )


def manifest_header(r: Run) -> str:
    return (
        f"Written by {TRAINER} ({r.algorithm}, seed {r.seed}) from dataset "
        f"{r.dataset.path.name}\n(sha256 {r.dataset.sha256[:16]}...). Metrics are on the "
        "validation window the annotations give;\n"
        f"{r.files['metadata.json'].name} has the calibration table and library versions."
    )
