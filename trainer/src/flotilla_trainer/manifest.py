"""The `Model` custom resource for a trained artifact (schema: operator/src/api/v1alpha1/model.ts).

Pure: the manifest is a function of its inputs, so the same training run gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from .errors import ArgumentError

API_VERSION = "flotilla.dev/v1alpha1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# metadata.name of a custom resource: a DNS-1123 subdomain. It also names the output files.
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")
_URI_SCHEMES = ("https://", "http://", "file:///")


def rfc3339_ms(ts_ms: int) -> str:
    """Milliseconds since the epoch as RFC 3339 UTC with milliseconds: 2023-11-14T22:13:20.000Z."""
    t = _EPOCH + timedelta(milliseconds=int(ts_ms))
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z"


def parse_rfc3339(flag: str, value: str) -> str:
    """A user-given RFC 3339 time, normalised to UTC milliseconds."""
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        t = None
    if t is None or t.tzinfo is None:
        raise ArgumentError(
            f"{flag}: {value!r} is not an RFC 3339 time with a zone, e.g. 2024-05-01T00:00:00Z"
        )
    ms = (t - _EPOCH) // timedelta(milliseconds=1)
    return rfc3339_ms(ms)


def check_name(name: str) -> str:
    if len(name) > 253 or not _NAME.match(name):
        raise ArgumentError(
            f"--name: {name!r} must be a Kubernetes object name: lowercase letters, digits, '-' "
            "and '.', starting and ending with a letter or digit, at most 253 characters"
        )
    return name


def check_version(version: str) -> str:
    if len(version) > 64 or not _VERSION.match(version):
        raise ArgumentError(
            f"--version: {version!r} must be letters, digits, '.', '_', '+' or '-' (starting with "
            "a letter or digit), at most 64 characters"
        )
    return version


def check_uri(uri: str) -> str:
    if not uri.startswith(_URI_SCHEMES) or len(uri) > 2048 or any(c.isspace() for c in uri):
        raise ArgumentError(
            f"--uri: {uri!r} must be an https://, http:// or file:/// URI without spaces, "
            "at most 2048 characters"
        )
    return uri


@dataclass(frozen=True)
class ManifestInputs:
    name: str
    uri: str
    sha256: str
    feature_keys: tuple[str, ...]
    feature_set_hash: str
    version: str
    algorithm: str
    """Model.spec.provenance.algorithm: logisticRegression, gradientBoostedTrees or mlp."""
    trainer: str
    trained_at: str
    data_from: str
    data_to: str
    dataset_sha256: str
    rows: int
    auc: float
    brier: float
    log_loss: float
    validation_from: str
    validation_to: str
    validation_rows: int


def build_manifest(m: ManifestInputs) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "Model",
        "metadata": {
            "name": m.name,
            "annotations": {
                # Where the metrics below were measured (the validation window, after the data).
                "flotilla.dev/validation-from": m.validation_from,
                "flotilla.dev/validation-to": m.validation_to,
                "flotilla.dev/validation-rows": str(m.validation_rows),
            },
        },
        "spec": {
            "uri": m.uri,
            "sha256": m.sha256,
            "format": "onnx",
            "inputs": list(m.feature_keys),
            "outputs": {"name": "probabilities", "column": 1, "kind": "probability"},
            "featureSetVersion": m.feature_set_hash,
            "version": m.version,
            "provenance": {
                "algorithm": m.algorithm,
                "trainer": m.trainer,
                "trainedAt": m.trained_at,
                "dataFrom": m.data_from,
                "dataTo": m.data_to,
                "datasetSha256": m.dataset_sha256,
                "rows": m.rows,
                "metrics": {
                    "auc": round(m.auc, 6),
                    "brier": round(m.brier, 6),
                    "logLoss": round(m.log_loss, 6),
                },
            },
        },
    }


def render_manifest(doc: dict[str, Any], header: str) -> str:
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=100)
    return comment + body
