// Checks references between objects of one namespace: a Strategy's model exists and takes
// only features the Strategy declares; an Experiment's strategy and models exist and fit.
// Pure; the operator reports the same findings as conditions, `flotilla validate` as errors.

import type { ExperimentSpec } from './v1alpha1/experiment.ts';
import { featureKey } from './v1alpha1/feature-catalog.ts';
import type { ModelSpec } from './v1alpha1/model.ts';
import type { StrategySpec } from './v1alpha1/strategy.ts';
import type { FieldError } from './validation/messages.ts';

export interface NamedSpecs {
  strategies: Map<string, StrategySpec>;
  models: Map<string, ModelSpec>;
  experiments: Map<string, ExperimentSpec>;
}

export interface ReferenceProblem extends FieldError {
  /** `Kind/name` of the object the error is about. */
  object: string;
}

/** Inputs of `model` that `strategy` does not declare, in model input order. */
export function missingInputs(strategy: StrategySpec, model: ModelSpec): string[] {
  const declared = new Set(strategy.features.map(featureKey));
  return model.inputs.filter((key) => !declared.has(key));
}

function modelFits(
  object: string,
  path: string,
  modelName: string,
  strategy: StrategySpec,
  specs: NamedSpecs,
): ReferenceProblem[] {
  const model = specs.models.get(modelName);
  if (!model) return [{ object, path, message: `Model "${modelName}" not found` }];
  const missing = missingInputs(strategy, model);
  if (missing.length === 0) return [];
  return [
    {
      object,
      path,
      message: `Model "${modelName}" takes features the strategy does not declare: ${missing.join(', ')}`,
    },
  ];
}

export function checkReferences(specs: NamedSpecs): ReferenceProblem[] {
  const errors: ReferenceProblem[] = [];
  for (const [name, strategy] of specs.strategies) {
    if (strategy.modelRef)
      errors.push(
        ...modelFits(
          `Strategy/${name}`,
          'spec.modelRef.name',
          strategy.modelRef.name,
          strategy,
          specs,
        ),
      );
  }
  for (const [name, experiment] of specs.experiments) {
    const object = `Experiment/${name}`;
    const strategy = specs.strategies.get(experiment.strategyRef.name);
    if (!strategy) {
      errors.push({
        object,
        path: 'spec.strategyRef.name',
        message: `Strategy "${experiment.strategyRef.name}" not found`,
      });
      continue;
    }
    errors.push(
      ...modelFits(
        object,
        'spec.champion.modelRef.name',
        experiment.champion.modelRef.name,
        strategy,
        specs,
      ),
    );
    errors.push(
      ...modelFits(
        object,
        'spec.challenger.modelRef.name',
        experiment.challenger.modelRef.name,
        strategy,
        specs,
      ),
    );
  }
  return errors;
}
