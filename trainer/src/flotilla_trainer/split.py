"""Time-ordered train/validation splits (pure functions).

Rows are never shuffled. The validation window is the latest part of the data and starts at a
timestamp boundary, so no training row shares a timestamp with, or comes after, the first
validation row. Because a row's label looks `purge_ticks` ticks ahead on its own instrument, the
last `purge_ticks` rows of each instrument before the boundary are purged from training: their
labels would be computed from prices inside the validation window (de Prado's purging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Split:
    """Row indices (into the dataset, ascending) of one train/validation split."""

    train: NDArray[np.intp]
    valid: NDArray[np.intp]
    purged: NDArray[np.intp]
    """Rows before the boundary left out of training because their label horizon crosses it."""
    boundary_ts: int
    """The first validation timestamp: every training row is strictly earlier."""


def _check_ordered(ts_ms: NDArray[np.int64], instrument: NDArray[np.str_]) -> None:
    if ts_ms.ndim != 1 or instrument.shape != ts_ms.shape:
        raise ValueError("ts_ms and instrument must be 1-D arrays of the same length")
    if ts_ms.size and bool(np.any(np.diff(ts_ms) < 0)):
        raise ValueError("rows must be ordered by ts_ms")


def instrument_positions(instrument: NDArray[np.str_]) -> NDArray[np.intp]:
    """Each row's position (0, 1, 2, ...) among the rows of its own instrument."""
    _, inv = np.unique(instrument, return_inverse=True)
    order = np.argsort(inv, kind="stable")
    starts = np.searchsorted(inv[order], np.arange(int(inv.max(initial=-1)) + 1))
    pos = np.empty(instrument.shape[0], dtype=np.intp)
    pos[order] = np.arange(instrument.shape[0]) - starts[inv[order]]
    return pos


def split_at(
    ts_ms: NDArray[np.int64],
    instrument: NDArray[np.str_],
    start: int,
    stop: int,
    purge_ticks: int,
) -> Split:
    """Validation = rows [start, stop); train = rows before `start` minus the purged ones.

    `start` must be the first row of its timestamp (the caller picks timestamp boundaries).
    A training row is purged when any of the next `purge_ticks` rows of its instrument is at or
    after `start`.
    """
    _check_ordered(ts_ms, instrument)
    n = ts_ms.shape[0]
    if not 0 < start < stop <= n:
        raise ValueError(f"need 0 < start < stop <= rows, got start={start} stop={stop} rows={n}")
    if ts_ms[start - 1] == ts_ms[start]:
        raise ValueError(f"row {start} is not the first row of timestamp {ts_ms[start]}")
    if purge_ticks < 0:
        raise ValueError(f"purge_ticks must be >= 0, got {purge_ticks}")
    _, inv = np.unique(instrument, return_inverse=True)
    pos = instrument_positions(instrument)
    before = np.bincount(inv[:start], minlength=int(inv.max()) + 1)
    head = np.arange(start, dtype=np.intp)
    crosses = pos[:start] + purge_ticks >= before[inv[:start]]
    return Split(
        train=head[~crosses],
        valid=np.arange(start, stop, dtype=np.intp),
        purged=head[crosses],
        boundary_ts=int(ts_ms[start]),
    )


def timestamp_start(ts_ms: NDArray[np.int64], row: int) -> int:
    """The first row that has the same timestamp as `row` (rows are ordered by ts_ms)."""
    return int(np.searchsorted(ts_ms, ts_ms[row], side="left"))


def time_split(
    ts_ms: NDArray[np.int64],
    instrument: NDArray[np.str_],
    valid_fraction: float,
    purge_ticks: int,
) -> Split:
    """Hold out the latest `valid_fraction` of rows (rounded up to a whole timestamp)."""
    _check_ordered(ts_ms, instrument)
    if not 0 < valid_fraction < 1:
        raise ValueError(f"valid_fraction must be in (0, 1), got {valid_fraction}")
    n = ts_ms.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 rows to split, got {n}")
    target = n - max(1, math.ceil(round(n * valid_fraction, 9)))
    start = timestamp_start(ts_ms, max(target, 0))
    if start == 0:
        raise ValueError(
            f"no row is earlier than the validation window's first timestamp {ts_ms[0]}; "
            "lower valid_fraction or use more timestamps"
        )
    return split_at(ts_ms, instrument, start, n, purge_ticks)


def walk_forward_splits(
    ts_ms: NDArray[np.int64],
    instrument: NDArray[np.str_],
    folds: int,
    purge_ticks: int,
    valid_fraction: float,
) -> list[Split]:
    """Expanding-window walk-forward: the latest `valid_fraction` of rows is cut into `folds`
    consecutive validation blocks; each fold trains on everything before its block (purged).
    """
    _check_ordered(ts_ms, instrument)
    if folds < 1:
        raise ValueError(f"folds must be >= 1, got {folds}")
    last = time_split(ts_ms, instrument, valid_fraction, purge_ticks)
    first_start = int(last.valid[0])
    n = ts_ms.shape[0]
    edges = np.linspace(first_start, n, folds + 1)
    starts: list[int] = []
    for edge in edges[:-1]:
        s = timestamp_start(ts_ms, min(round(edge), n - 1))
        if starts and s <= starts[-1]:
            raise ValueError(
                f"{folds} folds need at least {folds} distinct timestamps in the validation window"
            )
        starts.append(s)
    stops = [*starts[1:], n]
    return [
        split_at(ts_ms, instrument, s, e, purge_ticks) for s, e in zip(starts, stops, strict=True)
    ]
