"""The three model families and their fixed, seeded hyperparameters."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from lightgbm import LGBMClassifier
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .algorithms import ALGORITHMS
from .errors import ArgumentError

# The gbt parameters the command line may change (--n-estimators, --num-leaves, --learning-rate),
# each with its inclusive limits.
GBT_TUNABLE: dict[str, tuple[float, float]] = {
    "n_estimators": (1, 5000),
    "num_leaves": (2, 1024),
    "learning_rate": (1e-4, 1.0),
}


def hyperparameters(
    algorithm: str, seed: int, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The estimator's parameters, as recorded in the metadata; `overrides` (gbt only) replace
    the GBT_TUNABLE ones."""
    if overrides and algorithm != "gbt":
        flags = ", ".join(f"--{k.replace('_', '-')}" for k in overrides)
        raise ArgumentError(f"{flags}: only --algorithm gbt takes these (got {algorithm})")
    if algorithm == "gbt":
        return _gbt(seed) | dict(overrides or {})
    if algorithm == "logreg":
        return {"C": 1.0, "max_iter": 1000, "solver": "lbfgs", "random_state": seed}
    if algorithm == "mlp":
        return {
            "hidden_layer_sizes": (16,),
            "alpha": 1e-3,
            "learning_rate_init": 1e-3,
            "max_iter": 300,
            "early_stopping": False,  # its holdout would be a random, not time-ordered, sample
            "random_state": seed,
        }
    raise ArgumentError(f"--algorithm: {algorithm!r} is not one of: {', '.join(ALGORITHMS)}")


def _gbt(seed: int) -> dict[str, Any]:
    return {
        "n_estimators": 200,
        "learning_rate": 0.05,
        "num_leaves": 15,
        "min_child_samples": 20,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.9,
        "reg_lambda": 1.0,
        "random_state": seed,
        # Same trees on every run: one thread, a fixed histogram layout, no timing choices.
        "deterministic": True,
        "force_row_wise": True,
        "n_jobs": 1,
        "verbose": -1,
    }


def build_estimator(algorithm: str, seed: int, overrides: Mapping[str, Any] | None = None) -> Any:
    """An unfitted scikit-learn estimator (a Pipeline with a scaler where scale matters)."""
    params = hyperparameters(algorithm, seed, overrides)
    if algorithm == "logreg":
        return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(**params))])
    if algorithm == "gbt":
        return LGBMClassifier(**params)
    return Pipeline([("scale", StandardScaler()), ("model", MLPClassifier(**params))])


def as_model_input(X: NDArray[np.float64]) -> NDArray[np.float64]:
    """The values the ONNX model will see: float32, held in float64 for the estimator. Training
    on these makes tree thresholds fall between float32 values, so ONNX agrees with the trees."""
    return X.astype(np.float32).astype(np.float64)


def fit(estimator: Any, X: NDArray[np.float64], y: NDArray[np.int64]) -> list[str]:
    """Fit with one BLAS thread (results do not depend on the core count); returns warnings."""
    with threadpool_limits(limits=1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(X, y)
    return sorted({str(w.message).split("\n")[0] for w in caught})


def predict_positive(estimator: Any, X: NDArray[np.float64]) -> NDArray[np.float64]:
    with threadpool_limits(limits=1):
        proba = estimator.predict_proba(X)
    return np.asarray(proba[:, 1], dtype=np.float64)
