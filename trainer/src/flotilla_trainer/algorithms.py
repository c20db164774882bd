"""The model families, by command-line name (kept light: the CLI imports it before any library)."""

# Command-line name -> Model.spec.provenance.algorithm.
ALGORITHMS: dict[str, str] = {
    "logreg": "logisticRegression",
    "gbt": "gradientBoostedTrees",
    "mlp": "mlp",
}
