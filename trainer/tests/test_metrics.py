from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from flotilla_trainer.metrics import (
    auc_null_sd,
    brier,
    evaluate,
    log_loss,
    reliability,
    roc_auc,
    top_fraction_mean,
)


def arr(*v: float) -> NDArray[np.float64]:
    return np.asarray(v, dtype=np.float64)


def labels(*v: int) -> NDArray[np.int64]:
    return np.asarray(v, dtype=np.int64)


@pytest.mark.parametrize(
    ("y", "p", "auc"),
    [
        # positives 0.35, 0.8 vs negatives 0.1, 0.4: 3 of 4 pairs ordered right.
        ((0, 0, 1, 1), (0.1, 0.4, 0.35, 0.8), 0.75),
        # a tie between a positive and a negative counts one half: 3.5 of 4.
        ((0, 1, 0, 1), (0.5, 0.5, 0.2, 0.9), 0.875),
        ((0, 0, 1, 1), (0.1, 0.2, 0.3, 0.4), 1.0),
        ((1, 1, 0, 0), (0.1, 0.2, 0.3, 0.4), 0.0),
        ((0, 1, 0, 1), (0.5, 0.5, 0.5, 0.5), 0.5),
    ],
)
def test_roc_auc_by_hand(y: tuple[int, ...], p: tuple[float, ...], auc: float) -> None:
    assert roc_auc(labels(*y), arr(*p)) == pytest.approx(auc)


def test_brier_and_log_loss_by_hand() -> None:
    assert brier(labels(0, 1), arr(0.2, 0.6)) == pytest.approx((0.04 + 0.16) / 2)
    assert log_loss(labels(1, 0), arr(0.8, 0.3)) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )
    # A confident miss is clipped, not infinite.
    assert log_loss(labels(1, 0), arr(0.0, 1.0)) == pytest.approx(-math.log(1e-15), rel=1e-4)


def test_reliability_bins_and_ece_by_hand() -> None:
    y = labels(0, 1, 1, 0, 1)
    p = arr(0.05, 0.15, 0.12, 0.95, 1.0)
    bins, ece = reliability(y, p, bins=10)
    assert [b.lower for b in bins] == [0.0, 0.1, 0.9]
    assert [b.rows for b in bins] == [1, 2, 2]
    assert [b.mean_predicted for b in bins] == pytest.approx([0.05, 0.135, 0.975])
    assert [b.observed_rate for b in bins] == [0.0, 1.0, 0.5]
    assert bins[-1].upper == 1.0  # p = 1.0 falls in the last bin
    assert ece == pytest.approx(1 / 5 * 0.05 + 2 / 5 * 0.865 + 2 / 5 * 0.475)


def test_agrees_with_scikit_learn_on_random_data() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 500)
    p = np.clip(0.3 * y + rng.uniform(0, 0.7, 500), 0.01, 0.99)
    assert roc_auc(y, p) == pytest.approx(skm.roc_auc_score(y, p), abs=1e-12)
    assert brier(y, p) == pytest.approx(skm.brier_score_loss(y, p), abs=1e-12)
    assert log_loss(y, p) == pytest.approx(skm.log_loss(y, p), abs=1e-12)
    bins, _ = reliability(y, p, bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    assert [b.observed_rate for b in bins] == pytest.approx(prob_true.tolist())
    assert [b.mean_predicted for b in bins] == pytest.approx(prob_pred.tolist())


def test_auc_of_an_uninformative_score_has_the_null_sd() -> None:
    rng = np.random.default_rng(5)
    aucs = [roc_auc(rng.integers(0, 2, 200), rng.uniform(size=200)) for _ in range(400)]
    assert np.mean(aucs) == pytest.approx(0.5, abs=0.01)
    assert np.std(aucs) == pytest.approx(auc_null_sd(100, 100), rel=0.15)


def test_top_fraction_mean() -> None:
    score = arr(0.1, 0.9, 0.5, 0.7)
    assert top_fraction_mean(score, arr(1, 2, 3, 4), 0.5) == 3.0
    assert top_fraction_mean(score, arr(1, 2, 3, 4), 0.01) == 2.0  # at least one row


def test_evaluate_reports_everything() -> None:
    y = labels(0, 0, 1, 1)
    m = evaluate(y, arr(0.1, 0.4, 0.35, 0.8), fwd_return=arr(-1, -2, 3, 4))
    assert (m.rows, m.positives, m.base_rate, m.auc) == (4, 2, 0.5, 0.75)
    assert m.brier_baseline == 0.25
    assert m.top_decile_fwd_return == 4.0
    j = m.to_json()
    assert set(j) >= {"auc", "brier", "logLoss", "expectedCalibrationError", "calibration"}


@pytest.mark.parametrize(
    ("y", "p", "message"),
    [
        ((1, 1), (0.2, 0.3), "both labels"),
        ((0, 2), (0.2, 0.3), "labels must be 0 or 1"),
        ((0, 1), (0.2, 1.3), r"in \[0, 1\]"),
        ((0, 1), (0.2, math.nan), "finite"),
        ((), (), "no rows"),
    ],
)
def test_bad_inputs(y: tuple[int, ...], p: tuple[float, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate(labels(*y), arr(*p))
