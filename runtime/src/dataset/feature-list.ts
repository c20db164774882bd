// The features a dataset exports, from `--features`: either feature keys (`return_5,ema_20`) or
// a Strategy or Model manifest (`strategies.yaml#momentum-btc`): a Strategy's declared features
// or a Model's inputs, in their order. A key is turned back into the parameters the feature
// store acquires; the two are the same feature by construction (featureKey(params) === key).
import { readFileSync } from 'node:fs';
import { parseManifests } from '../../../operator/src/api/manifests.ts';
import {
  FEATURE_KEY_PATTERN,
  type FeatureName,
  type FeatureParams,
  featureKey,
  isMacdFeature,
} from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { describeErrors, validateManifest } from '../../../operator/src/api/validation/validate.ts';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { ticksNeeded } from '../features/registry.ts';

/** Model.spec.inputs maxItems: a dataset wider than any model could use is a mistake. */
export const MAX_FEATURES = 256;

export interface FeatureList {
  /** Feature keys, in column (and model input) order. */
  keys: readonly string[];
  /** The same features as the feature store acquires them, in the same order. */
  params: readonly FeatureParams[];
  /** Where the list came from, for messages and the dataset's source note. */
  origin: string;
  /** Largest warm-up of the features, in ticks. */
  ticksNeeded: number;
}

const KEY = new RegExp(FEATURE_KEY_PATTERN);

/** The parameters a feature key names, or a problem naming the key and the limit. */
export function parseFeatureKey(key: string): FeatureParams | string {
  if (!KEY.test(key))
    return `"${key}" is not a feature key such as return_5, ema_20 or macd_12_26_9 (see docs/reference/features.md)`;
  const [name, ...numbers] = key.split('_') as [FeatureName, ...string[]];
  const n = numbers.map(Number);
  const params: FeatureParams = isMacdFeature(name)
    ? { name, fast: n[0] as number, slow: n[1] as number, signal: n[2] as number }
    : { name, window: n[0] as number };
  try {
    ticksNeeded(params); // checks each period against the catalog's limits
  } catch (err) {
    if (err instanceof FlotillaError) return `"${key}": ${err.message}`;
    throw err;
  }
  return params;
}

/** True when `--features` names a manifest file rather than keys. */
export function isManifestReference(text: string): boolean {
  return /\.ya?ml(#.*)?$/i.test(text.trim());
}

/**
 * Parses `--features`; problems (each naming the flag) are pushed to `problems` and the result
 * is undefined when there was any.
 */
export function featureList(
  text: string,
  problems: string[],
  readText: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): FeatureList | undefined {
  const before = problems.length;
  const source = isManifestReference(text)
    ? keysFromManifest(text.trim(), problems, readText)
    : { keys: text.split(',').map((k) => k.trim()), origin: 'the command line' };
  if (source === undefined) return undefined;
  const { keys, origin } = source;
  if (keys.length === 0 || keys.some((k) => k === ''))
    problems.push(`--features: "${text}" has an empty key; give k1,k2,... or a manifest file`);
  if (keys.length > MAX_FEATURES)
    problems.push(
      `--features: ${keys.length} features is above the maximum ${MAX_FEATURES} (Model.spec.inputs)`,
    );
  const dupes = [...new Set(keys.filter((k, i) => k !== '' && keys.indexOf(k) !== i))];
  if (dupes.length > 0) problems.push(`--features: ${dupes.join(', ')} listed more than once`);
  const params: FeatureParams[] = [];
  for (const key of keys.filter((k) => k !== '')) {
    const parsed = parseFeatureKey(key);
    if (typeof parsed === 'string') problems.push(`--features: ${parsed}`);
    else params.push(parsed);
  }
  if (problems.length > before) return undefined;
  return {
    keys: Object.freeze([...keys]),
    params: Object.freeze(params),
    origin,
    ticksNeeded: Math.max(...params.map(ticksNeeded)),
  };
}

interface ManifestObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { features?: FeatureParams[]; inputs?: string[] };
}

/** `FILE.yaml` or `FILE.yaml#NAME`: the one Strategy or Model in the file, or the one named. */
function keysFromManifest(
  ref: string,
  problems: string[],
  readText: (path: string) => string,
): { keys: string[]; origin: string } | undefined {
  const hash = ref.lastIndexOf('#');
  const file = hash < 0 ? ref : ref.slice(0, hash);
  const name = hash < 0 ? undefined : ref.slice(hash + 1);
  let text: string;
  try {
    text = readText(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    problems.push(`--features: cannot read ${file}${code === 'ENOENT' ? ': no such file' : ''}`);
    return undefined;
  }
  let docs: { source: string; object: ManifestObject }[];
  try {
    docs = parseManifests(text, file) as typeof docs;
  } catch (err) {
    problems.push(`--features: ${(err as Error).message}`);
    return undefined;
  }
  const candidates = docs.filter(
    (d) =>
      String(d.object?.apiVersion).startsWith('flotilla.dev/') &&
      (d.object.kind === 'Strategy' || d.object.kind === 'Model'),
  );
  const matching =
    name === undefined ? candidates : candidates.filter((d) => d.object.metadata?.name === name);
  const label = (d: (typeof docs)[number]) => `${d.object.kind}/${String(d.object.metadata?.name)}`;
  if (matching.length !== 1) {
    const listed = candidates.map(label).join(', ') || 'none';
    problems.push(
      matching.length === 0
        ? `--features: ${file} has no Strategy or Model${name === undefined ? '' : ` named "${name}"`} (it has: ${listed})`
        : `--features: ${file} has ${matching.length} Strategy or Model objects${name === undefined ? '' : ` named "${name}"`} (${listed}); pick one with ${file}#NAME`,
    );
    return undefined;
  }
  const doc = matching[0] as (typeof docs)[number];
  const checked = validateManifest(doc.object);
  if (checked.errors.length > 0) {
    problems.push(
      `--features: ${doc.source} ${label(doc)} is invalid:\n${describeErrors(checked.errors)}`,
    );
    return undefined;
  }
  const spec = doc.object.spec ?? {};
  const keys =
    doc.object.kind === 'Strategy'
      ? (spec.features ?? []).map(featureKey)
      : [...(spec.inputs ?? [])];
  return { keys, origin: `${label(doc)} in ${file}` };
}
