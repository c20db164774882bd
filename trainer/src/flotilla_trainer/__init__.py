"""Flotilla trainer: dataset -> model -> ONNX -> Model manifest."""

__version__ = "0.1.0"
