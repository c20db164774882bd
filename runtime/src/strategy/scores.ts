// Score arithmetic shared by the executor and the naive baseline. Pure.

export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** Rule score: logistic(bias + sum of weight x feature value), in [0, 1]. */
export function ruleScore(
  bias: number,
  weights: Float64Array,
  slots: Int32Array,
  values: Float64Array,
): number {
  // `0 +` makes the sum a raw double from the start; seeded with a value read from an object
  // field, the optimizer keeps it boxed through the loop: an allocation per term.
  let z = 0 + bias;
  for (let i = 0; i < weights.length; i++)
    z += (weights[i] as number) * (values[slots[i] as number] as number);
  return logistic(z);
}

/**
 * Final score: `blendWeight` of the model score plus the rest of the rule score. A missing
 * score (NaN: no model, or a model that could not score) leaves the other one alone.
 */
export function blendScores(rule: number, model: number, blendWeight: number): number {
  if (Number.isNaN(model)) return rule;
  if (Number.isNaN(rule)) return model;
  return blendWeight * model + (1 - blendWeight) * rule;
}
