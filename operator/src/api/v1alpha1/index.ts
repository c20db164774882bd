// The flotilla.dev/v1alpha1 API: the four Kinds, in the order docs and CRDs list them.
import { circuitBreakerKind } from './circuit-breaker.ts';
import { experimentKind } from './experiment.ts';
import { modelKind } from './model.ts';
import { strategyKind } from './strategy.ts';

export * from './common.ts';
export * from './feature-catalog.ts';

export const KINDS = [strategyKind, modelKind, experimentKind, circuitBreakerKind] as const;
export type KindDefinition = (typeof KINDS)[number];
export type KindName = KindDefinition['kind'];

export function kindByName(kind: string): KindDefinition | undefined {
  return KINDS.find((k) => k.kind === kind);
}
