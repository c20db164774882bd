from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from flotilla_trainer.errors import ArgumentError
from flotilla_trainer.manifest import (
    check_name,
    check_uri,
    check_version,
    parse_rfc3339,
    rfc3339_ms,
)
from flotilla_trainer.train import TrainResult

from . import synthetic
from .conftest import ALGORITHMS, run

REPO = Path(__file__).resolve().parents[2]
PROVENANCE = {"logreg": "logisticRegression", "gbt": "gradientBoostedTrees", "mlp": "mlp"}


def manifest(r: TrainResult) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(r.files["model.yaml"].read_text())
    return doc


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_manifest_fields(trained: dict[str, TrainResult], algorithm: str) -> None:
    r = trained[algorithm]
    doc = manifest(r)
    spec = doc["spec"]
    onnx_bytes = r.files["onnx"].read_bytes()
    assert (doc["apiVersion"], doc["kind"], doc["metadata"]["name"]) == (
        "flotilla.dev/v1alpha1", "Model", f"m-{algorithm}",
    )  # fmt: skip
    assert spec["uri"] == "file://" + str(r.files["onnx"].resolve())
    assert spec["sha256"] == hashlib.sha256(onnx_bytes).hexdigest()
    assert spec["format"] == "onnx"
    assert spec["inputs"] == list(synthetic.FEATURES)
    assert spec["outputs"] == {"name": "probabilities", "column": 1, "kind": "probability"}
    assert spec["featureSetVersion"] == synthetic.FEATURE_SET_HASH
    assert spec["version"] == spec["sha256"][:12]
    p = spec["provenance"]
    assert p["algorithm"] == PROVENANCE[algorithm]
    assert p["trainer"] == "flotilla-trainer 0.1.0"
    ts = r.dataset.ts_ms
    assert p["trainedAt"] == rfc3339_ms(int(ts[-1]))  # the data's end, not the wall clock
    assert p["dataFrom"] == rfc3339_ms(int(ts[r.split.train[0]]))
    assert p["dataTo"] == rfc3339_ms(int(ts[r.split.train[-1]]))
    assert p["datasetSha256"] == r.dataset.sha256
    assert p["rows"] == r.split.train.size
    valid = json.loads(r.files["metadata.json"].read_text())["metrics"]["validation"]
    assert p["metrics"] == {
        "auc": round(valid["auc"], 6),
        "brier": round(valid["brier"], 6),
        "logLoss": round(valid["logLoss"], 6),
    }
    notes = doc["metadata"]["annotations"]
    assert notes["flotilla.dev/validation-rows"] == str(r.split.valid.size)


def test_metadata_has_ranges_versions_and_calibration(trained: dict[str, TrainResult]) -> None:
    r = trained["logreg"]
    meta = json.loads(r.files["metadata.json"].read_text())
    assert meta["featureKeys"] == list(synthetic.FEATURES)
    assert meta["dataset"]["sha256"] == r.dataset.sha256
    assert meta["dataset"]["dataFrom"] == "2023-11-14T22:13:20.000Z"
    assert meta["split"]["purgedRows"] == 2 * 5  # 2 instruments x label horizon 5
    assert meta["split"]["train"]["rows"] + 10 + meta["split"]["validation"]["rows"] == 3000
    assert {"scikit-learn", "lightgbm", "onnxruntime", "python"} <= set(meta["libraries"])
    assert meta["seed"] == 7
    bins = meta["metrics"]["validation"]["calibration"]
    assert sum(b["rows"] for b in bins) == meta["split"]["validation"]["rows"]


def test_flags_reach_the_manifest(planted: Path, tmp_path: Path) -> None:
    r = run(
        planted,
        "logreg",
        tmp_path,
        features=("zscore_50", "return_5"),
        uri="https://models.example.test/lr.onnx",
        version="2.1.0",
        trained_at="2024-05-01T02:00:00+02:00",
    )
    spec = manifest(r)["spec"]
    assert spec["inputs"] == ["zscore_50", "return_5"]
    assert spec["uri"] == "https://models.example.test/lr.onnx"
    assert spec["version"] == "2.1.0"
    assert spec["provenance"]["trainedAt"] == "2024-05-01T00:00:00.000Z"


@pytest.mark.skipif(
    not (REPO / "node_modules/.bin/node").exists(),
    reason="the repository's npm packages are not installed (make setup)",
)
def test_flotilla_validate_accepts_the_manifests(trained: dict[str, TrainResult]) -> None:
    files = [str(r.files["model.yaml"]) for r in trained.values()]
    out = subprocess.run(
        [str(REPO / "node_modules/.bin/node"), str(REPO / "cli/main.ts"), "validate", *files],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 valid, 0 invalid" in out.stdout


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
    ],
)
def test_rfc3339_ms(ms: int, text: str) -> None:
    assert rfc3339_ms(ms) == text
    assert parse_rfc3339("--trained-at", text) == text


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (check_name, "Direction_LR", "--name: 'Direction_LR' must be a Kubernetes object name"),
        (check_name, "-lr", "--name"),
        (check_version, "v 1", "--version: 'v 1' must be letters"),
        (check_uri, "s3://bucket/m.onnx", "--uri: 's3://bucket/m.onnx' must be an https://"),
        (check_uri, "file://relative.onnx", "--uri"),
    ],
)
def test_bad_names_versions_and_uris(check: Any, value: str, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        check(value)


def test_trained_at_needs_a_zone() -> None:
    with pytest.raises(ArgumentError, match="--trained-at: '2024-05-01T00:00:00' is not"):
        parse_rfc3339("--trained-at", "2024-05-01T00:00:00")
