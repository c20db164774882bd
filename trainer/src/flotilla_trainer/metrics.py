"""Validation metrics for a binary probability forecast (pure functions of labels and scores)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

LOG_LOSS_EPS = 1e-15


def _check(y: NDArray[np.int64], p: NDArray[np.float64]) -> None:
    if y.ndim != 1 or p.shape != y.shape:
        raise ValueError(
            f"labels and probabilities must be 1-D of one length: {y.shape} vs {p.shape}"
        )
    if y.size == 0:
        raise ValueError("no rows to score")
    if bool(np.any((y != 0) & (y != 1))):
        raise ValueError("labels must be 0 or 1")
    if bool(np.any(~np.isfinite(p))) or bool(np.any((p < 0) | (p > 1))):
        raise ValueError("probabilities must be finite and in [0, 1]")


def roc_auc(y: NDArray[np.int64], p: NDArray[np.float64]) -> float:
    """Area under the ROC curve: the probability that a random positive outranks a random
    negative, ties counting one half (Mann-Whitney U with average ranks)."""
    _check(y, p)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both labels; this sample has only one")
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    ranks = np.empty(p.size, dtype=np.float64)
    # Average rank (1-based) of each run of tied scores.
    run_start = np.flatnonzero(np.r_[True, sorted_p[1:] != sorted_p[:-1]])
    run_end = np.r_[run_start[1:], p.size]
    avg = (run_start + run_end + 1) / 2.0
    ranks[order] = np.repeat(avg, run_end - run_start)
    u = float(ranks[y == 1].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def auc_null_sd(n_pos: int, n_neg: int) -> float:
    """Standard deviation of the AUC of an uninformative score (Mann-Whitney U under H0)."""
    return math.sqrt((n_pos + n_neg + 1) / (12.0 * n_pos * n_neg))


def brier(y: NDArray[np.int64], p: NDArray[np.float64]) -> float:
    """Mean squared error of the probabilities (0 is perfect; 0.25 is a constant 0.5)."""
    _check(y, p)
    return float(np.mean((p - y) ** 2))


def log_loss(y: NDArray[np.int64], p: NDArray[np.float64], eps: float = LOG_LOSS_EPS) -> float:
    """Mean negative log-likelihood, probabilities clipped to [eps, 1 - eps]."""
    _check(y, p)
    q = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


@dataclass(frozen=True)
class ReliabilityBin:
    lower: float
    upper: float
    rows: int
    mean_predicted: float
    observed_rate: float


def reliability(
    y: NDArray[np.int64], p: NDArray[np.float64], bins: int = 10
) -> tuple[list[ReliabilityBin], float]:
    """Reliability diagram on `bins` equal-width bins of [0, 1] (the last one includes 1.0), and
    the expected calibration error: sum over bins of (rows / total) x |mean predicted - observed|.
    Empty bins are left out."""
    _check(y, p)
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    idx = np.minimum((p * bins).astype(np.int64), bins - 1)
    out: list[ReliabilityBin] = []
    ece = 0.0
    for b in range(bins):
        mask = idx == b
        rows = int(mask.sum())
        if rows == 0:
            continue
        mean_p = float(p[mask].mean())
        rate = float(y[mask].mean())
        ece += rows / y.size * abs(mean_p - rate)
        out.append(ReliabilityBin(b / bins, (b + 1) / bins, rows, mean_p, rate))
    return out, ece


def top_fraction_mean(
    score: NDArray[np.float64], value: NDArray[np.float64], fraction: float
) -> float:
    """Mean of `value` over the rows whose score is in the top `fraction` (at least one row; ties
    broken by row order, earliest first)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    if score.size == 0 or value.shape != score.shape:
        raise ValueError("score and value must be non-empty and of one length")
    k = max(1, math.ceil(score.size * fraction))
    top = np.argsort(-score, kind="stable")[:k]
    return float(value[top].mean())


@dataclass(frozen=True)
class Metrics:
    rows: int
    positives: int
    base_rate: float
    auc: float
    auc_null_sd: float
    brier: float
    brier_baseline: float
    """Brier score of always predicting the base rate: b(1 - b)."""
    log_loss: float
    ece: float
    bins: list[ReliabilityBin]
    top_decile_fwd_return: float | None
    mean_fwd_return: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "positives": self.positives,
            "baseRate": self.base_rate,
            "auc": self.auc,
            "aucNullSd": self.auc_null_sd,
            "brier": self.brier,
            "brierBaseline": self.brier_baseline,
            "logLoss": self.log_loss,
            "expectedCalibrationError": self.ece,
            "calibration": [
                {
                    "lower": b.lower,
                    "upper": b.upper,
                    "rows": b.rows,
                    "meanPredicted": b.mean_predicted,
                    "observedRate": b.observed_rate,
                }
                for b in self.bins
            ],
            "topDecileMeanFwdReturn": self.top_decile_fwd_return,
            "meanFwdReturn": self.mean_fwd_return,
        }


def evaluate(
    y: NDArray[np.int64],
    p: NDArray[np.float64],
    fwd_return: NDArray[np.float64] | None = None,
    bins: int = 10,
) -> Metrics:
    """Every validation metric the trainer reports. Raises ValueError when a label is absent."""
    _check(y, p)
    positives = int(y.sum())
    if positives in (0, y.size):
        raise ValueError(f"needs both labels; all {y.size} rows have label {int(y[0])}")
    base = positives / y.size
    cal, ece = reliability(y, p, bins)
    return Metrics(
        rows=int(y.size),
        positives=positives,
        base_rate=base,
        auc=roc_auc(y, p),
        auc_null_sd=auc_null_sd(positives, y.size - positives),
        brier=brier(y, p),
        brier_baseline=base * (1 - base),
        log_loss=log_loss(y, p),
        ece=ece,
        bins=cal,
        top_decile_fwd_return=None if fwd_return is None else top_fraction_mean(p, fwd_return, 0.1),
        mean_fwd_return=None if fwd_return is None else float(fwd_return.mean()),
    )
