// The text form of a decision explanation (`flotilla decision ID --output text`). Pure. Numbers
// are printed in full (shortest round-trip form): the point is to show they are equal.
import type { ScoreComparison } from './compare.ts';
import type { DecisionExplanation } from './explain.ts';

const num = (x: number | null) => (x === null ? 'none' : String(x));

function field(label: string, value: string): string {
  return `  ${label.padEnd(12)} ${value}`.trimEnd();
}

function scoreLine(name: string, c: ScoreComparison, note: string): string {
  const verdict = c.match ? `= ${num(c.rescored)} ✓` : `≠ ${num(c.rescored)} ✗`;
  const diff =
    c.difference === null
      ? ''
      : c.difference === 0
        ? 'identical'
        : `stored - re-scored = ${c.difference}, relative ${c.relativeDifference}`;
  const extra = [diff, note].filter((s) => s !== '').join('; ');
  return `re-scored: ${name} ${num(c.stored)} ${verdict}${extra ? ` (${extra})` : ''}`;
}

export function formatExplanation(e: DecisionExplanation): string {
  const d = e.decision;
  const m = e.model;
  const width = Math.max(0, ...d.feature_keys.map((k) => k.length));
  const lines = [
    `decision ${d.id}`,
    field('strategy', `${d.strategy} (generation ${d.generation})`),
    field('instrument', d.instrument),
    field('time', `${new Date(d.ts_ms).toISOString()} (ts_ms ${d.ts_ms}, tick ${d.entry_id})`),
    field('correlation', d.correlation_id || '(none)'),
    field(
      'model',
      m
        ? `sha256 ${m.digest} (${m.name ? `${m.name}, ` : ''}from ${m.from})`
        : d.model_digest || '(none: rules only)',
    ),
    field('feature set', `${d.feature_set}, rules version ${d.rules_version}`),
    field('features', ''),
    ...d.feature_keys.map((k, i) => `    ${k.padEnd(width)}  ${d.feature_values[i]}`),
    field(
      'scores',
      `rule ${num(d.rule_score)}, ml ${num(d.ml_score)}, final ${d.final_score} (blend weight ${d.blend_weight})`,
    ),
    field('arm', d.arm || '(none)'),
    field('action', `${d.action} ${d.units}`),
  ];
  const mlNote = m
    ? m.scores.linear === undefined
      ? 'onnxruntime'
      : `${m.backend === 'linear' ? 'linear path' : 'onnxruntime'}; linear ${m.scores.linear}, onnxruntime ${m.scores.onnx}`
    : 'no model score';
  lines.push(scoreLine('ml', e.differences.ml, mlNote));
  lines.push(scoreLine('final', e.differences.final, `blend weight ${d.blend_weight}`));
  lines.push(`tolerance: relative ${e.tolerance.relative}`);
  return lines.join('\n');
}

/** One sentence on what differs, for the exit message; undefined when everything matches. */
export function mismatchSummary(e: DecisionExplanation): string | undefined {
  const parts: string[] = [];
  for (const [name, c] of [
    ['ml', e.differences.ml],
    ['final', e.differences.final],
  ] as const) {
    if (c.match) continue;
    parts.push(
      `${name} score stored ${num(c.stored)}, re-scored ${num(c.rescored)}${c.relativeDifference === null ? '' : ` (relative difference ${c.relativeDifference} > ${e.tolerance.relative})`}`,
    );
  }
  return parts.length === 0
    ? undefined
    : `decision ${e.decision.id} does not re-score to its stored scores: ${parts.join('; ')}`;
}
