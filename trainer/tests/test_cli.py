"""The command: exit codes and one-line errors naming the flag, column or limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from flotilla_trainer.cli import main
from flotilla_trainer.errors import ArgumentError
from flotilla_trainer.train import TrainConfig, train

from . import synthetic


def train_args(dataset: Path, out: Path, *extra: str) -> list[str]:
    return ["train", "--dataset", str(dataset), "--out", str(out), "--name", "m", *extra]


def test_trains_and_prints_a_report(
    planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(train_args(planted, tmp_path, "--algorithm", "logreg")) == 0
    out = capsys.readouterr().out
    assert "validation  AUC 0.8" in out
    assert "agrees with predict_proba" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m.golden.json", "m.metadata.json", "m.model.yaml", "m.onnx",
    ]  # fmt: skip


def test_unknown_algorithm_lists_the_choices(
    planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(train_args(planted, tmp_path, "--algorithm", "xgboost"))
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--algorithm: invalid choice: 'xgboost'" in err
    assert "'logreg', 'gbt', 'mlp'" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--valid-fraction", "1.5"],
            "--valid-fraction: '1.5' must be a number above 0 and below 1",
        ),
        (["--features", "ema_20,,rsi_14"], "has an empty key"),
    ],
)
def test_bad_flags(
    planted: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(train_args(planted, tmp_path, "--algorithm", "gbt", *extra))
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_name_is_an_argument_error(
    planted: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["train", "--dataset", str(planted), "--out", str(tmp_path), "--algorithm", "gbt"]
    assert main([*args, "--name", "My_Model"]) == 2
    assert "FLT_TRAIN_ARGUMENT: --name: 'My_Model'" in capsys.readouterr().err


def test_one_label_only_says_which_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = synthetic.write(synthetic.make_table(ticks=50, cost_threshold=1.0), tmp_path / "d.arrow")
    assert main(train_args(path, tmp_path / "out", "--algorithm", "logreg")) == 1
    err = capsys.readouterr().err
    assert "FLT_TRAIN_DATASET" in err
    assert "all 60 training rows have label 0" in err
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_dataset_errors_exit_1_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    table = synthetic.make_table(ticks=20)
    values = table.column("rsi_14").to_numpy().copy()
    values[3] = np.inf
    table = table.set_column(table.schema.get_field_index("rsi_14"), "rsi_14", pa.array(values))
    path = synthetic.write(table, tmp_path / "inf.arrow")
    argv = [
        sys.executable,
        "-m",
        "flotilla_trainer",
        *train_args(path, tmp_path, "--algorithm", "gbt"),
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("flotilla-trainer: FLT_TRAIN_DATASET: ")
    assert "column 'rsi_14' has 1 non-finite value(s) (first: inf at row 3" in out.stderr


def test_the_library_call_rejects_an_unknown_algorithm(planted: Path, tmp_path: Path) -> None:
    config = TrainConfig(dataset=planted, algorithm="svm", out_dir=tmp_path, name="m")
    with pytest.raises(ArgumentError, match="--algorithm: 'svm' is not one of: logreg, gbt, mlp"):
        train(config)


def test_more_features_than_a_model_takes(tmp_path: Path) -> None:
    keys = tuple(f"ema_{w}" for w in range(1, 258))
    path = synthetic.write(synthetic.make_table(ticks=20, features=keys), tmp_path / "wide.arrow")
    config = TrainConfig(dataset=path, algorithm="logreg", out_dir=tmp_path, name="m")
    with pytest.raises(ArgumentError, match="257 features, above the Model limit of 256"):
        train(config)


def test_gbt_size_flags_reach_the_model(planted: Path, tmp_path: Path) -> None:
    args = ["--algorithm", "gbt", "--n-estimators", "20", "--num-leaves", "4"]
    assert main(train_args(planted, tmp_path, *args, "--learning-rate", "0.2")) == 0
    meta = json.loads((tmp_path / "m.metadata.json").read_text())
    params = meta["hyperparameters"]
    assert (params["n_estimators"], params["num_leaves"], params["learning_rate"]) == (20, 4, 0.2)
    assert meta["onnx"]["bytes"] < 10_000


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--algorithm", "logreg", "--n-estimators", "20"], "--n-estimators: only --algorithm gbt"),
        (["--algorithm", "gbt", "--num-leaves", "1"], "--num-leaves: 1 is outside [2, 1024]"),
        (["--algorithm", "gbt", "--learning-rate", "2"], "--learning-rate: 2.0 is outside"),
    ],
)
def test_gbt_flags_out_of_range(
    planted: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    assert main(train_args(planted, tmp_path, *extra)) == 2
    assert message in capsys.readouterr().err
