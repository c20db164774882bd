from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from flotilla_trainer.dataset import feature_set_hash, load_dataset
from flotilla_trainer.errors import DatasetError

from . import synthetic


def small(tmp_path: Path, name: str = "d.arrow", **kwargs: object) -> Path:
    return synthetic.write(synthetic.make_table(ticks=40, **kwargs), tmp_path / name)  # type: ignore[arg-type]


def with_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


@pytest.mark.parametrize(
    ("name", "stream"), [("d.arrow", False), ("d.arrow", True), ("d.parquet", False)]
)
def test_reads_arrow_file_stream_and_parquet(tmp_path: Path, name: str, stream: bool) -> None:
    table = synthetic.make_table(ticks=40, horizon=7, cost_threshold=0.0005)
    path = synthetic.write(table, tmp_path / name, stream=stream)
    ds = load_dataset(path)
    assert ds.rows == 80
    assert ds.feature_keys == synthetic.FEATURES
    assert ds.X.shape == (80, 5)
    assert ds.X[:, 2].tolist() == table.column("rsi_14").to_pylist()
    assert (ds.label_horizon, ds.cost_threshold) == (7, 0.0005)
    assert ds.feature_set_hash == synthetic.FEATURE_SET_HASH
    assert ds.y.dtype == np.int64
    assert len(ds.sha256) == 64


def test_features_select_and_order_columns(tmp_path: Path) -> None:
    ds = load_dataset(small(tmp_path), features=["zscore_50", "return_5"])
    assert ds.feature_keys == ("zscore_50", "return_5")
    assert ds.available_keys == synthetic.FEATURES
    assert ds.X.shape == (80, 2)


def bad(tmp_path: Path, table: pa.Table, name: str = "bad.arrow") -> Path:
    return synthetic.write(table, tmp_path / name)


def test_missing_feature_column_is_named(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10).drop_columns(["rsi_14"])
    with pytest.raises(DatasetError, match="missing feature column 'rsi_14'"):
        load_dataset(bad(tmp_path, table))


def test_nan_in_a_feature_names_column_row_and_entry(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    values = table.column("ema_20").to_numpy().copy()
    values[7] = np.nan
    table = with_column(table, "ema_20", pa.array(values))
    with pytest.raises(DatasetError, match=r"column 'ema_20' has 1 non-finite.*row 7, entry_id"):
        load_dataset(bad(tmp_path, table))


def test_empty_dataset(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10).slice(0, 0)
    with pytest.raises(DatasetError, match="has no rows"):
        load_dataset(bad(tmp_path, table))


def test_unknown_feature_in_selection_lists_the_available_ones(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"--features names rsi_99.*it has: return_5, ema_20"):
        load_dataset(small(tmp_path), features=["rsi_99"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"flotilla.feature_set_hash": "XYZ"}, "not 16 lowercase hex"),
        ({"flotilla.label_horizon": "0"}, "label_horizon '0' must be an integer >= 1"),
        ({"flotilla.cost_threshold": "cheap"}, "cost_threshold 'cheap' is not a finite number"),
        ({"flotilla.feature_keys": "[]"}, "non-empty JSON list"),
        ({"flotilla.feature_keys": json.dumps(["ema_20", "ema_20"])}, "ema_20 more than once"),
    ],
)
def test_bad_metadata(tmp_path: Path, change: dict[str, str], message: str) -> None:
    table = synthetic.make_table(ticks=10)
    table = table.replace_schema_metadata({**synthetic.metadata(), **change})
    with pytest.raises(DatasetError, match=message):
        load_dataset(bad(tmp_path, table))


def test_missing_metadata_key(tmp_path: Path) -> None:
    meta = synthetic.metadata()
    del meta["flotilla.label_horizon"]
    table = synthetic.make_table(ticks=10).replace_schema_metadata(meta)
    with pytest.raises(DatasetError, match=r"'flotilla\.label_horizon' is missing"):
        load_dataset(bad(tmp_path, table))


def test_rows_out_of_time_order(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    ts = table.column("ts_ms").to_numpy().copy()
    ts[5] = ts[4] - 1  # row 5 goes back in time
    table = with_column(table, "ts_ms", pa.array(ts))
    with pytest.raises(DatasetError, match="must be ordered by ts_ms; row 5"):
        load_dataset(bad(tmp_path, table))


def test_label_outside_0_1(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    label = table.column("label").to_numpy().copy()
    label[3] = 2
    table = with_column(table, "label", pa.array(label))
    with pytest.raises(DatasetError, match="'label' must be 0 or 1; row 3"):
        load_dataset(bad(tmp_path, table))


def test_feature_column_of_the_wrong_type(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    table = with_column(table, "rsi_14", pa.array(["x"] * table.num_rows))
    with pytest.raises(DatasetError, match="'rsi_14' must be float64, not string"):
        load_dataset(bad(tmp_path, table))


def test_null_values(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    values = table.column("zscore_50").to_pylist()
    values[2] = None
    table = with_column(table, "zscore_50", pa.array(values, pa.float64()))
    with pytest.raises(DatasetError, match="'zscore_50' has 1 null"):
        load_dataset(bad(tmp_path, table))


def test_unknown_extension_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"unknown dataset extension '\.csv'"):
        load_dataset(tmp_path / "d.csv")
    with pytest.raises(DatasetError, match="cannot read the dataset"):
        load_dataset(tmp_path / "absent.arrow")
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(DatasetError, match="not a readable parquet file"):
        load_dataset(garbage)


def test_feature_set_hash_is_the_runtimes() -> None:
    # docs/reference/features.md's example, as runtime/src/features/feature-set-hash.ts gives it.
    assert feature_set_hash(["ema_20", "rsi_14"], {"ema_20": 1, "rsi_14": 1}) == "32f61d4e17288486"


def test_a_selection_gets_the_hash_of_its_own_inputs(tmp_path: Path) -> None:
    ds = load_dataset(small(tmp_path), features=["zscore_50", "return_5"])
    assert ds.feature_set_hash == feature_set_hash(
        ["zscore_50", "return_5"], {"zscore_50": 1, "return_5": 1}
    )
    assert ds.declared_feature_set_hash == synthetic.FEATURE_SET_HASH
    assert load_dataset(small(tmp_path)).feature_set_hash == synthetic.FEATURE_SET_HASH


def test_without_feature_versions_only_the_declared_list_can_be_hashed(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=10)
    path = bad(tmp_path, table.replace_schema_metadata(synthetic.metadata(versions=False)))
    assert load_dataset(path).feature_set_hash == synthetic.FEATURE_SET_HASH
    with pytest.raises(
        DatasetError, match=r"selects return_5, ema_20.*no flotilla\.feature_versions"
    ):
        load_dataset(path, features=["return_5", "ema_20"])


@pytest.mark.parametrize(
    ("versions", "message"),
    [
        ("[1, 1]", "must be a JSON object"),
        (json.dumps(dict.fromkeys(synthetic.FEATURES, 0)), "'return_5' has 0"),
        (json.dumps({"return_5": 1}), "'ema_20' has None"),
        (json.dumps(dict.fromkeys(synthetic.FEATURES, 2)), "is not the hash of"),
    ],
)
def test_bad_feature_versions(tmp_path: Path, versions: str, message: str) -> None:
    meta = {**synthetic.metadata(), "flotilla.feature_versions": versions}
    table = synthetic.make_table(ticks=10).replace_schema_metadata(meta)
    with pytest.raises(DatasetError, match=message):
        load_dataset(bad(tmp_path, table))
