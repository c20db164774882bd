// Reads a shard config document: JSON, then the schema, then the rules the schema cannot say.
import { ValidationError } from '../../errors.ts';
import { featureKey } from '../v1alpha1/feature-catalog.ts';
import type { FieldError } from '../validation/messages.ts';
import { validateAgainst } from '../validation/validate.ts';
import { ShardConfig } from './shard-config.ts';

/** Cross-field checks: unique names, rule and model inputs naming declared features. */
export function checkShardConfig(config: ShardConfig): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  config.strategies.forEach((s, i) => {
    const at = `strategies[${i}]`;
    if (seen.has(s.name)) errors.push({ path: `${at}.name`, message: `"${s.name}" appears twice` });
    seen.add(s.name);
    const declared = new Set(s.features.map(featureKey));
    const undeclared = (keys: string[], path: string) => {
      for (const key of keys)
        if (!declared.has(key))
          errors.push({ path, message: `${key} is not one of the strategy's features` });
    };
    undeclared(s.rules?.weights.map((w) => w.feature) ?? [], `${at}.rules.weights`);
    undeclared(s.model?.inputs ?? [], `${at}.model.inputs`);
    undeclared(s.experiment?.challenger.inputs ?? [], `${at}.experiment.challenger.inputs`);
    if (!s.rules && !s.model)
      errors.push({ path: at, message: 'needs rules or a model (nothing would produce a score)' });
  });
  return errors;
}

/** Parses and validates; throws ValidationError (FLT_INVALID_SPEC) naming every bad field. */
export function parseShardConfig(text: string, source = 'shard config'): ShardConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(source, [
      { path: '(document)', message: `is not JSON: ${(err as Error).message}` },
    ]);
  }
  const { value, errors } = validateAgainst<ShardConfig>(ShardConfig, raw, '');
  const all = errors.length > 0 ? errors : checkShardConfig(value);
  if (all.length > 0)
    throw new ValidationError(
      source,
      all.map((e) => ({ ...e, path: e.path.replace(/^\./, '') })),
    );
  return value;
}
