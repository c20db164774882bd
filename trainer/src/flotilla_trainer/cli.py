"""`python -m flotilla_trainer train ...`: the command `flotilla train` wraps."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .algorithms import ALGORITHMS
from .errors import ArgumentError, TrainerError

PROG = "flotilla-trainer"


def _features(value: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in value.split(","))
    if not all(keys):
        raise argparse.ArgumentTypeError(f"{value!r} has an empty key; give k1,k2,... ")
    return keys


def _fraction(value: str) -> float:
    try:
        f = float(value)
    except ValueError:
        f = float("nan")
    if not 0 < f < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be a number above 0 and below 1")
    return f


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Train Flotilla models on datasets the runtime exported, export them to ONNX.",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    t = sub.add_parser(
        "train",
        help="train one model and write NAME.onnx, .metadata.json, .golden.json, .model.yaml",
        description="Train on the earliest rows, validate on the latest, export a verified ONNX "
        "model and a Model manifest. Same dataset and seed -> byte-identical files.",
    )
    t.add_argument("--dataset", required=True, type=Path, help="dataset file (.arrow or .parquet)")
    t.add_argument("--algorithm", required=True, choices=list(ALGORITHMS), help="model family")
    t.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    t.add_argument("--name", required=True, help="Model name; also names the output files")
    t.add_argument(
        "--features",
        type=_features,
        help="comma-separated feature keys in model input order (default: every declared key)",
    )
    t.add_argument(
        "--seed", type=int, default=7, metavar="N", help="seed of every random source (default 7)"
    )
    t.add_argument(
        "--valid-fraction",
        type=_fraction,
        default=0.3,
        help="latest fraction of rows held out for validation (default 0.3)",
    )
    t.add_argument(
        "--no-purge",
        dest="purge",
        action="store_false",
        help="do not drop the training rows whose label horizon reaches the validation window",
    )
    t.add_argument(
        "--folds",
        type=int,
        default=0,
        help="also report N walk-forward folds over the validation window (default 0: off)",
    )
    t.add_argument(
        "--n-estimators",
        type=int,
        metavar="N",
        help="gbt only: number of trees (default 200; fewer trees make a smaller file)",
    )
    t.add_argument(
        "--num-leaves", type=int, metavar="N", help="gbt only: leaves per tree (default 15)"
    )
    t.add_argument(
        "--learning-rate", type=float, metavar="X", help="gbt only: shrinkage (default 0.05)"
    )
    t.add_argument("--uri", help="spec.uri of the manifest (default: file:// URI of the .onnx)")
    t.add_argument(
        "--version",
        dest="model_version",
        metavar="VERSION",
        help="spec.version (default: the first 12 hex characters of the .onnx sha256)",
    )
    t.add_argument(
        "--trained-at",
        help="provenance.trainedAt, RFC 3339 (default: the dataset's last tick time, so the "
        "output is reproducible)",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Imported here: `--help` and argument errors stay fast (scikit-learn, ONNX load in ~1 s).
    from .report import format_report
    from .train import TrainConfig, train

    config = TrainConfig(
        dataset=args.dataset,
        algorithm=args.algorithm,
        out_dir=args.out,
        name=args.name,
        features=args.features,
        seed=args.seed,
        valid_fraction=args.valid_fraction,
        purge=args.purge,
        folds=args.folds,
        uri=args.uri,
        version=args.model_version,
        trained_at=args.trained_at,
        n_estimators=args.n_estimators,
        num_leaves=args.num_leaves,
        learning_rate=args.learning_rate,
    )
    try:
        result = train(config)
    except TrainerError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2 if isinstance(err, ArgumentError) else 1
    print(format_report(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
