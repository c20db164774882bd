"""The models learn a relation that is there, and find none where there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from flotilla_trainer.train import TrainResult

from .conftest import ALGORITHMS, run


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_learns_a_planted_relation(trained: dict[str, TrainResult], algorithm: str) -> None:
    m = trained[algorithm].metrics
    # The planted logit gives an achievable AUC near 0.84; chance would be 0.5 +- 0.02.
    assert m.auc > 0.5 + max(0.2, 8 * m.auc_null_sd)
    assert m.brier < m.brier_baseline
    assert m.top_decile_fwd_return is not None
    assert m.mean_fwd_return is not None
    assert m.top_decile_fwd_return > m.mean_fwd_return


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_finds_nothing_without_a_relation(
    no_relation: Path, tmp_path: Path, algorithm: str
) -> None:
    m = run(no_relation, algorithm, tmp_path).metrics
    # Within 4 standard deviations of an uninformative score's AUC (about 0.08 here).
    assert abs(m.auc - 0.5) < 4 * m.auc_null_sd


def test_walk_forward_folds_are_reported(planted: Path, tmp_path: Path) -> None:
    r = run(planted, "logreg", tmp_path, folds=3)
    folds = r.metadata["walkForward"]
    assert [f["fold"] for f in folds] == [1, 2, 3]
    assert sum(f["validation"]["rows"] for f in folds) == r.split.valid.size
    assert folds[0]["train"]["rows"] < folds[1]["train"]["rows"] < folds[2]["train"]["rows"]
    assert all(f["auc"] > 0.7 for f in folds)


def test_no_purge_keeps_the_rows_whose_labels_reach_the_validation_window(
    planted: Path, tmp_path: Path
) -> None:
    r = run(planted, "logreg", tmp_path, purge=False)
    assert r.metadata["split"]["purgedRows"] == 0
    assert r.metadata["split"]["purgeTicks"] == 0
    assert r.split.train.size + r.split.valid.size == r.dataset.rows
