"""ONNX export: skl2onnx (with onnxmltools' LightGBM converter registered), the runtime's
input/output contract, reproducible bytes, and a check against the estimator in onnxruntime.

The contract the runtime relies on (runtime/src/inference, onnxruntime-node 1.30):
- one input `features`, float32, shape [N, n_features], columns in the declared key order;
- an output `probabilities`, float32 [N, 2] (column 1 = positive class), and no ZipMap
  (its map output cannot be read from Node); a `label` int64 output may sit beside it;
- opsets onnxruntime-node 1.30 loads: ai.onnx <= 21, ai.onnx.ml <= 3.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from lightgbm import LGBMClassifier
from numpy.typing import NDArray
from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
from skl2onnx import convert_sklearn, update_registered_converter
from skl2onnx.common.data_types import FloatTensorType
from skl2onnx.common.shape_calculator import calculate_linear_classifier_output_shapes

from . import __version__
from .errors import ExportError

INPUT_NAME = "features"
OUTPUT_NAME = "probabilities"
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
MAX_OPSET = {"": 21, "ai.onnx.ml": 3}
TOLERANCE = 1e-5
PRODUCER = "flotilla-trainer"


@functools.cache
def _register_lightgbm() -> None:
    update_registered_converter(
        LGBMClassifier,
        "LightGbmLGBMClassifier",
        calculate_linear_classifier_output_shapes,
        convert_lightgbm,
        options={"nocl": [True, False], "zipmap": [True, False, "columns"]},
    )


def to_onnx(
    estimator: Any, n_features: int, graph_name: str, properties: Mapping[str, str]
) -> onnx.ModelProto:
    """Convert a fitted estimator; the result's bytes depend only on the estimator."""
    _register_lightgbm()
    try:
        model: onnx.ModelProto = convert_sklearn(
            estimator,
            initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
            target_opset=TARGET_OPSET,
            options={"zipmap": False},
        )
    except Exception as err:  # the converters raise bare RuntimeError/TypeError/...
        raise ExportError(f"ONNX conversion of {type(estimator).__name__} failed: {err}") from err
    _normalize(model, graph_name, properties)
    return model


def _normalize(model: onnx.ModelProto, graph_name: str, properties: Mapping[str, str]) -> None:
    """Remove what varies between runs (skl2onnx names the graph with a random uuid and lists
    opsets in set order) and record who made the file."""
    model.graph.name = graph_name
    model.graph.doc_string = ""
    model.doc_string = ""
    model.producer_name = PRODUCER
    model.producer_version = __version__
    model.domain = "dev.flotilla"
    model.model_version = 1
    opsets: dict[str, int] = {}
    for o in model.opset_import:
        opsets[o.domain] = max(o.version, opsets.get(o.domain, 0))
    del model.opset_import[:]
    for domain in sorted(opsets):
        model.opset_import.append(onnx.helper.make_opsetid(domain, opsets[domain]))
    del model.metadata_props[:]
    onnx.helper.set_model_props(model, dict(sorted(properties.items())))


def check_contract(model: onnx.ModelProto, n_features: int) -> None:
    """The input, outputs, operators and opsets the runtime expects."""
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as err:
        raise ExportError(f"the exported model is not valid ONNX: {err}") from err
    inputs = list(model.graph.input)
    if len(inputs) != 1 or inputs[0].name != INPUT_NAME:
        raise ExportError(f"want one input {INPUT_NAME!r}, got {[i.name for i in inputs]}")
    t = inputs[0].type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
    if t.elem_type != onnx.TensorProto.FLOAT or dims != [None, n_features]:
        raise ExportError(
            f"input {INPUT_NAME!r} must be float32 [N, {n_features}], got "
            f"{onnx.TensorProto.DataType.Name(t.elem_type)} {dims}"
        )
    outputs = {o.name: o for o in model.graph.output}
    if OUTPUT_NAME not in outputs:
        raise ExportError(f"no output {OUTPUT_NAME!r}; outputs are {sorted(outputs)}")
    out = outputs[OUTPUT_NAME].type.tensor_type
    if out.elem_type != onnx.TensorProto.FLOAT:
        raise ExportError(f"output {OUTPUT_NAME!r} must be float32 (zipmap off)")
    if any(n.op_type == "ZipMap" for n in model.graph.node):
        raise ExportError("the model contains a ZipMap node; export with zipmap: False")
    for o in model.opset_import:
        limit = MAX_OPSET.get(o.domain)
        if limit is None or o.version > limit:
            raise ExportError(
                f"opset {o.domain or 'ai.onnx'} {o.version} is beyond what onnxruntime-node 1.30 "
                f"is known to load (limit {limit})"
            )


def session(model_bytes: bytes) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model_bytes, sess_options=opts, providers=["CPUExecutionProvider"])


def run_onnx(sess: ort.InferenceSession, X32: NDArray[np.float32]) -> NDArray[np.float32]:
    """The `probabilities` output [N, 2] for float32 rows."""
    (proba,) = sess.run([OUTPUT_NAME], {INPUT_NAME: X32})
    return np.asarray(proba, dtype=np.float32)


def verify(
    sess: ort.InferenceSession, X32: NDArray[np.float32], expected: NDArray[np.float64]
) -> float:
    """Max |ONNX - estimator| of the positive-class probability; ExportError above TOLERANCE."""
    proba = run_onnx(sess, X32)
    if proba.shape != (X32.shape[0], 2):
        raise ExportError(f"output {OUTPUT_NAME!r} has shape {proba.shape}, want [N, 2]")
    diff = float(np.max(np.abs(proba[:, 1].astype(np.float64) - expected)))
    if not diff <= TOLERANCE:
        raise ExportError(
            f"ONNX probabilities differ from predict_proba by up to {diff:.3g} on "
            f"{X32.shape[0]} validation rows (tolerance {TOLERANCE:g})"
        )
    return diff
