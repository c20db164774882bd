from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.typing import NDArray

from flotilla_trainer.split import (
    Split,
    instrument_positions,
    split_at,
    time_split,
    walk_forward_splits,
)


def grid(
    ticks: int, instruments: tuple[str, ...] = ("A", "B")
) -> tuple[NDArray[np.int64], NDArray[np.str_]]:
    """ts_ms and instrument of `ticks` timestamps x instruments, ordered by ts then instrument."""
    ts = np.repeat(np.arange(ticks, dtype=np.int64) * 1000, len(instruments))
    return ts, np.tile(np.asarray(instruments), ticks)


def assert_no_leakage(ts: NDArray[np.int64], inst: NDArray[np.str_], s: Split, h: int) -> None:
    """Every training row, and the h ticks of its own instrument its label looks at, is strictly
    before the first validation timestamp."""
    for i in s.train:
        same = np.flatnonzero(inst == inst[i])
        later = same[same > i][:h]
        assert ts[i] < s.boundary_ts
        assert all(ts[j] < s.boundary_ts for j in later)


def test_validation_is_the_latest_fraction_in_time_order() -> None:
    ts, inst = grid(100)
    s = time_split(ts, inst, 0.3, purge_ticks=0)
    assert s.valid.tolist() == list(range(140, 200))
    assert s.train.tolist() == list(range(140))
    assert s.purged.size == 0
    assert s.boundary_ts == 70_000
    assert ts[s.train].max() < ts[s.valid].min()


def test_boundary_never_splits_a_timestamp() -> None:
    # 3 instruments per timestamp: 0.25 of 30 rows = 8 rows -> row 22, inside timestamp 7
    # (rows 21-23), so the window starts at row 21 and takes all of timestamp 7.
    ts, inst = grid(10, ("A", "B", "C"))
    s = time_split(ts, inst, 0.25, purge_ticks=0)
    assert s.valid[0] == 21
    assert ts[s.train].max() < ts[s.valid].min()


@pytest.mark.parametrize("h", [1, 3, 5])
def test_purge_drops_each_instruments_last_h_rows_before_the_boundary(h: int) -> None:
    ts, inst = grid(50)
    s = time_split(ts, inst, 0.2, purge_ticks=h)
    assert s.boundary_ts == 40_000
    purged_ticks = sorted({int(t) // 1000 for t in ts[s.purged]})
    assert purged_ticks == list(range(40 - h, 40))
    assert s.purged.size == 2 * h
    assert s.train.size + s.purged.size + s.valid.size == ts.size
    assert_no_leakage(ts, inst, s, h)


def test_without_purge_the_last_training_labels_leak() -> None:
    ts, inst = grid(50)
    s = time_split(ts, inst, 0.2, purge_ticks=0)
    with pytest.raises(AssertionError):
        assert_no_leakage(ts, inst, s, 5)


def test_purge_counts_ticks_per_instrument_not_rows() -> None:
    # A ticks every second, B every third second: B's 2 ticks before the boundary span 6 s.
    rows = sorted([(t, "A") for t in range(30)] + [(t, "B") for t in range(0, 30, 3)])
    ts = np.array([t for t, _ in rows], dtype=np.int64)
    inst = np.array([i for _, i in rows])
    s = split_at(ts, inst, int(np.searchsorted(ts, 24)), ts.size, purge_ticks=2)
    assert sorted((int(ts[i]), str(inst[i])) for i in s.purged) == [
        (18, "B"), (21, "B"), (22, "A"), (23, "A"),
    ]  # fmt: skip
    assert_no_leakage(ts, inst, s, 2)


def test_instrument_positions() -> None:
    inst = np.array(["B", "A", "B", "C", "A", "B"])
    assert instrument_positions(inst).tolist() == [0, 0, 1, 0, 1, 2]


def test_walk_forward_folds_tile_the_validation_window_and_expand() -> None:
    ts, inst = grid(100)
    folds = walk_forward_splits(ts, inst, folds=3, purge_ticks=2, valid_fraction=0.3)
    whole = time_split(ts, inst, 0.3, purge_ticks=2)
    assert np.concatenate([f.valid for f in folds]).tolist() == whole.valid.tolist()
    for prev, f in itertools.pairwise(folds):
        assert f.train.size > prev.train.size
    for f in folds:
        assert ts[f.train].max() < f.boundary_ts <= ts[f.valid].min()
        assert_no_leakage(ts, inst, f, 2)


@pytest.mark.parametrize(
    ("ts", "fraction", "message"),
    [
        ([0, 1, 2, 3], 0.0, "valid_fraction must be in"),
        ([0, 1, 2, 3], 1.0, "valid_fraction must be in"),
        ([0, 2, 1, 3], 0.5, "ordered by ts_ms"),
        ([5, 5, 5, 5], 0.5, "no row is earlier"),
        ([5], 0.5, "at least 2 rows"),
    ],
)
def test_bad_split_requests(ts: list[int], fraction: float, message: str) -> None:
    t = np.array(ts, dtype=np.int64)
    with pytest.raises(ValueError, match=message):
        time_split(t, np.array(["A"] * len(ts)), fraction, purge_ticks=0)


def test_split_at_refuses_a_boundary_inside_a_timestamp() -> None:
    ts, inst = grid(10)
    with pytest.raises(ValueError, match="not the first row of timestamp"):
        split_at(ts, inst, 5, ts.size, purge_ticks=0)


def test_too_many_folds_for_the_window() -> None:
    ts, inst = grid(10)
    with pytest.raises(ValueError, match="distinct timestamps"):
        walk_forward_splits(ts, inst, folds=5, purge_ticks=0, valid_fraction=0.2)
