from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from numpy.typing import NDArray
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.linear_model import LogisticRegression

from flotilla_trainer.dataset import feature_set_hash
from flotilla_trainer.errors import ExportError
from flotilla_trainer.export import check_contract, session, verify
from flotilla_trainer.models import as_model_input
from flotilla_trainer.train import TrainResult

from . import synthetic
from .conftest import ALGORITHMS, run


def load(r: TrainResult) -> onnx.ModelProto:
    return onnx.load_model_from_string(r.files["onnx"].read_bytes())


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_input_is_one_float32_matrix_named_features(
    trained: dict[str, TrainResult], algorithm: str
) -> None:
    model = load(trained[algorithm])
    (inp,) = model.graph.input
    t = inp.type.tensor_type
    assert inp.name == "features"
    assert t.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim] == [None, 5]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_outputs_are_label_and_probabilities_without_zipmap(
    trained: dict[str, TrainResult], algorithm: str
) -> None:
    model = load(trained[algorithm])
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]
    probs = model.graph.output[1].type.tensor_type
    assert probs.elem_type == onnx.TensorProto.FLOAT
    assert probs.shape.dim[1].dim_value == 2
    assert "ZipMap" not in {n.op_type for n in model.graph.node}
    opsets = {o.domain: o.version for o in model.opset_import}
    assert opsets[""] <= 21
    assert opsets.get("ai.onnx.ml", 1) <= 3


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_onnx_agrees_with_predict_proba_on_validation_rows(
    trained: dict[str, TrainResult], algorithm: str
) -> None:
    r = trained[algorithm]
    X = as_model_input(r.dataset.X[r.split.valid])
    expected = r.estimator.predict_proba(X)
    (label, proba) = session(r.files["onnx"].read_bytes()).run(
        None, {"features": X.astype(np.float32)}
    )
    assert proba.dtype == np.float32
    assert proba.shape == (r.split.valid.size, 2)
    assert np.max(np.abs(proba - expected)) <= 1e-5
    assert label.dtype == np.int64
    assert r.metadata["onnx"]["maxAbsDiff"] <= 1e-5


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_model_records_who_made_it_and_nothing_random(
    trained: dict[str, TrainResult], algorithm: str
) -> None:
    model = load(trained[algorithm])
    assert (model.producer_name, model.producer_version) == ("flotilla-trainer", "0.1.0")
    assert model.doc_string == ""
    assert model.graph.doc_string == ""
    assert model.graph.name == f"m-{algorithm}"  # skl2onnx's default is a random uuid
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["flotilla.feature_keys"]) == list(synthetic.FEATURES)
    assert props["flotilla.feature_set_hash"] == synthetic.FEATURE_SET_HASH


def test_golden_rows_reproduce_in_onnxruntime(trained: dict[str, TrainResult]) -> None:
    r = trained["gbt"]
    golden = json.loads(r.files["golden.json"].read_text())
    assert len(golden["rows"]) == 50
    X = np.array([row["features"] for row in golden["rows"]], dtype=np.float32)
    assert X.astype(np.float64).tolist() == [row["features"] for row in golden["rows"]]
    (proba,) = session(r.files["onnx"].read_bytes()).run(["probabilities"], {"features": X})
    assert proba[:, 1].tolist() == [row["probability"] for row in golden["rows"]]


def small_lr() -> tuple[LogisticRegression, NDArray[np.float64]]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 3))
    return LogisticRegression().fit(X, (X[:, 0] > 0).astype(int)), X


def test_contract_rejects_zipmap() -> None:
    lr, _ = small_lr()
    model = convert_sklearn(lr, initial_types=[("features", FloatTensorType([None, 3]))])
    with pytest.raises(ExportError, match="probabilities"):
        check_contract(model, 3)


def test_contract_rejects_another_input_name() -> None:
    lr, _ = small_lr()
    model = convert_sklearn(
        lr, initial_types=[("X", FloatTensorType([None, 3]))], options={"zipmap": False}
    )
    with pytest.raises(ExportError, match="want one input 'features'"):
        check_contract(model, 3)


def test_verify_fails_when_onnx_disagrees() -> None:
    lr, X = small_lr()
    model = convert_sklearn(
        lr, initial_types=[("features", FloatTensorType([None, 3]))], options={"zipmap": False}
    )
    sess = session(model.SerializeToString())
    expected = lr.predict_proba(X)[:, 1] + 1e-3
    with pytest.raises(ExportError, match=r"differ from predict_proba by up to 0.001"):
        verify(sess, X.astype(np.float32), expected)


def test_a_model_on_selected_features_records_their_keys_and_hash(
    planted: Path, tmp_path: Path
) -> None:
    keys = ("zscore_50", "return_5")
    r = run(planted, "logreg", tmp_path, features=keys)
    props = {p.key: p.value for p in load(r).metadata_props}
    assert json.loads(props["flotilla.feature_keys"]) == list(keys)
    assert props["flotilla.feature_set_hash"] == feature_set_hash(keys, dict.fromkeys(keys, 1))
    assert props["flotilla.feature_set_hash"] != synthetic.FEATURE_SET_HASH
    assert r.metadata["featureSetHash"] == props["flotilla.feature_set_hash"]
