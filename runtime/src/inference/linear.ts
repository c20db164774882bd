// The pure-TypeScript path for linear models: the weights of a (Scaler ->) LinearClassifier
// graph, as skl2onnx exports a scikit-learn LogisticRegression pipeline, folded into one dot
// product. Scoring a few rows this way on the calling thread is far cheaper than a worker round
// trip; the registry only uses it after it agreed with onnxruntime on the warm-up rows.
import type { OnnxModelInfo, OnnxNode } from './onnx-proto.ts';
import type { ModelSignature } from './signature.ts';

const ML = 'ai.onnx.ml';

export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** A linear model with the scaler folded in: z = bias + sum(weights[c] * x[c]). */
export class LinearScorer {
  readonly width: number;
  /** Centre and spread of the inputs (the scaler's offset and 1/scale): where to probe. */
  readonly centre: Float64Array;
  readonly spread: Float64Array;
  readonly #weights: Float64Array;
  readonly #bias: number;
  /** LinearClassifier post_transform LOGISTIC. */
  readonly #logistic: boolean;
  /** spec.outputs.kind score: the output value goes through a logistic as well. */
  readonly #scoreKind: boolean;

  constructor(
    weights: Float64Array,
    bias: number,
    postLogistic: boolean,
    scoreKind: boolean,
    centre: Float64Array = new Float64Array(weights.length),
    spread: Float64Array = new Float64Array(weights.length).fill(1),
  ) {
    this.width = weights.length;
    this.centre = centre;
    this.spread = spread;
    this.#weights = weights;
    this.#bias = bias;
    this.#logistic = postLogistic;
    this.#scoreKind = scoreKind;
  }

  score(rows: Float32Array, n: number): Float64Array {
    const out = new Float64Array(n);
    const w = this.#weights;
    const width = this.width;
    for (let r = 0; r < n; r++) {
      let z = this.#bias;
      const base = r * width;
      for (let c = 0; c < width; c++) z += (w[c] as number) * (rows[base + c] as number);
      let v = this.#logistic ? logistic(z) : z;
      if (this.#scoreKind) v = logistic(v);
      out[r] = v;
    }
    return out;
  }
}

const broadcast = (values: number[], width: number, fill: number): number[] | undefined => {
  if (values.length === 0) return new Array(width).fill(fill);
  if (values.length === 1) return new Array(width).fill(values[0]);
  return values.length === width ? values : undefined;
};

/**
 * The linear scorer for a Scaler? -> LinearClassifier graph reading the declared output column,
 * or undefined for any other graph (trees, networks, multi-class softmax, ...).
 */
export function extractLinear(
  info: OnnxModelInfo,
  sig: ModelSignature,
  kind: 'probability' | 'score',
): LinearScorer | undefined {
  const nodes = info.nodes;
  const clf = nodes.at(-1);
  if (clf?.opType !== 'LinearClassifier' || clf.domain !== ML) return undefined;
  if (clf.outputs[1] !== sig.output || nodes.length > 2) return undefined;
  let scaler: OnnxNode | undefined;
  if (nodes.length === 2) {
    scaler = nodes[0] as OnnxNode;
    if (scaler.opType !== 'Scaler' || scaler.domain !== ML) return undefined;
    if (scaler.inputs[0] !== sig.input || clf.inputs[0] !== scaler.outputs[0]) return undefined;
  } else if (clf.inputs[0] !== sig.input) return undefined;

  const a = clf.attributes;
  if ((a.get('multi_class')?.i ?? 0) !== 0) return undefined;
  const post = a.get('post_transform')?.s ?? 'NONE';
  if (post !== 'NONE' && post !== 'LOGISTIC') return undefined;
  const width = sig.width;
  const coef = a.get('coefficients')?.floats ?? [];
  const classes = coef.length / width;
  if (!Number.isInteger(classes) || classes < 2 || sig.column >= classes) return undefined;
  const intercepts = a.get('intercepts')?.floats ?? [];
  if (intercepts.length !== 0 && intercepts.length !== classes) return undefined;

  const offset = broadcast(scaler?.attributes.get('offset')?.floats ?? [], width, 0);
  const scale = broadcast(scaler?.attributes.get('scale')?.floats ?? [], width, 1);
  if (!offset || !scale) return undefined;
  // z = b + sum w_c * (x_c - o_c) * s_c = (b - sum w_c s_c o_c) + sum (w_c s_c) x_c
  const weights = new Float64Array(width);
  let bias = intercepts[sig.column] ?? 0;
  for (let c = 0; c < width; c++) {
    const ws = (coef[sig.column * width + c] as number) * (scale[c] as number);
    weights[c] = ws;
    bias -= ws * (offset[c] as number);
  }
  const centre = Float64Array.from(offset);
  const spread = Float64Array.from(scale, (s) => (s !== 0 && Number.isFinite(1 / s) ? 1 / s : 1));
  return new LinearScorer(weights, bias, post === 'LOGISTIC', kind === 'score', centre, spread);
}
