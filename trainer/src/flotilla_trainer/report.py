"""The short text report a training run prints."""

from __future__ import annotations

from .manifest import rfc3339_ms
from .train import TrainResult


def format_report(r: TrainResult) -> str:
    ds, s, m, c = r.dataset, r.split, r.metrics, r.config
    first, last = (rfc3339_ms(int(ds.ts_ms[i])) for i in (0, -1))
    instruments = len(set(ds.instrument.tolist()))
    lines = [
        f"{r.metadata['trainer']}: {c.algorithm} (seed {c.seed}) on {ds.path.name}",
        f"  dataset     {ds.rows:,} rows, {len(ds.feature_keys)} features, {instruments} "
        f"instrument(s), {first} .. {last}, sha256 {ds.sha256[:12]}",
        f"  split       train {s.train.size:,} rows, purged {s.purged.size:,} "
        f"(label horizon {r.metadata['split']['purgeTicks']} ticks), validation {s.valid.size:,} "
        f"rows from {rfc3339_ms(s.boundary_ts)}",
        f"  validation  AUC {m.auc:.4f} (null sd {m.auc_null_sd:.4f})  Brier {m.brier:.4f} "
        f"(base-rate forecast {m.brier_baseline:.4f})  log loss {m.log_loss:.4f}  "
        f"ECE {m.ece:.4f}  base rate {m.base_rate:.3f}",
    ]
    if m.top_decile_fwd_return is not None and m.mean_fwd_return is not None:
        lines.append(
            f"  top decile  mean fwd_return {m.top_decile_fwd_return:.6f} "
            f"(all validation rows {m.mean_fwd_return:.6f})"
        )
    lines.append("  calibration  predicted  observed    rows")
    for b in m.bins:
        lines.append(
            f"    [{b.lower:.1f}, {b.upper:.1f}{']' if b.upper == 1 else ')'}  "
            f"{b.mean_predicted:9.3f} {b.observed_rate:9.3f} {b.rows:7,}"
        )
    for fold in r.metadata.get("walkForward") or []:
        auc = "n/a" if fold["auc"] is None else f"{fold['auc']:.4f}"
        lines.append(
            f"  fold {fold['fold']}      train {fold['train']['rows']:,} rows, validation "
            f"{fold['validation']['rows']:,} rows from {fold['validation']['from']}: AUC {auc}"
        )
    lines.append(
        f"  onnx        agrees with predict_proba: max |diff| {r.max_abs_diff:.2g} over "
        f"{s.valid.size:,} rows (tolerance {r.metadata['onnx']['tolerance']:g})"
    )
    for w in r.metadata["warnings"]:
        lines.append(f"  warning     {w}")
    lines.append("  wrote")
    for kind, path in r.files.items():
        extra = f"  sha256 {r.onnx_sha256}" if kind == "onnx" else ""
        lines.append(f"    {path}{extra}")
    return "\n".join(lines)
