"""Shared fixtures: small synthetic datasets and one training run per algorithm."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flotilla_trainer.train import TrainConfig, TrainResult, train

from . import synthetic

ALGORITHMS = ("logreg", "gbt", "mlp")
URI = "https://models.example.test/direction/model.onnx"


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 ticks x 2 instruments; labels follow a known function of three features."""
    path = tmp_path_factory.mktemp("data") / "planted.arrow"
    return synthetic.write(synthetic.make_table(ticks=1500, seed=11), path)


@pytest.fixture(scope="session")
def no_relation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Same shape, labels independent of every feature."""
    path = tmp_path_factory.mktemp("data") / "no-relation.arrow"
    return synthetic.write(synthetic.make_table(ticks=1500, seed=12, relation=False), path)


def run(dataset: Path, algorithm: str, out: Path, **changes: Any) -> TrainResult:
    """Train with the defaults, named m-<algorithm>, with `changes` to TrainConfig."""
    config = TrainConfig(dataset=dataset, algorithm=algorithm, out_dir=out, name=f"m-{algorithm}")
    return train(replace(config, **changes))


@pytest.fixture(scope="session")
def trained(planted: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, TrainResult]:
    """One run of each algorithm on the planted dataset (default uri: a file:// URI)."""
    out = tmp_path_factory.mktemp("trained")
    return {a: run(planted, a, out) for a in ALGORITHMS}
