// Validates a set of manifests as a fleet: each object against its schema and CEL rules,
// then the references between them. Pure; `flotilla validate` and tests use it.
import type { ManifestDocument } from './manifests.ts';
import { checkReferences, type NamedSpecs, type ReferenceProblem } from './references.ts';
import type { ExperimentSpec } from './v1alpha1/experiment.ts';
import type { ModelSpec } from './v1alpha1/model.ts';
import type { StrategySpec } from './v1alpha1/strategy.ts';
import type { FieldError } from './validation/messages.ts';
import { validateManifest } from './validation/validate.ts';

export interface DocumentReport {
  source: string;
  /** `Kind/name`, as far as the document says. */
  object: string;
  errors: FieldError[];
}

export interface FleetReport {
  documents: DocumentReport[];
  /** Documents of other API groups, left alone. */
  skipped: string[];
  references: ReferenceProblem[];
}

const isFlotilla = (o: unknown) =>
  typeof o === 'object' &&
  o !== null &&
  String((o as { apiVersion?: unknown }).apiVersion ?? '').startsWith('flotilla.dev/');

export function validateFleet(docs: ManifestDocument[]): FleetReport {
  const specs: NamedSpecs = { strategies: new Map(), models: new Map(), experiments: new Map() };
  const documents: DocumentReport[] = [];
  const skipped: string[] = [];
  for (const doc of docs) {
    if (!isFlotilla(doc.object)) {
      skipped.push(doc.source);
      continue;
    }
    const result = validateManifest(doc.object);
    const kindName = result.kind?.kind ?? String((doc.object as { kind?: unknown }).kind);
    documents.push({
      source: doc.source,
      object: `${kindName}/${result.name ?? '?'}`,
      errors: result.errors,
    });
    if (result.errors.length > 0 || !result.name) continue;
    const spec = result.value.spec;
    if (kindName === 'Strategy') specs.strategies.set(result.name, spec as StrategySpec);
    if (kindName === 'Model') specs.models.set(result.name, spec as ModelSpec);
    if (kindName === 'Experiment') specs.experiments.set(result.name, spec as ExperimentSpec);
  }
  return { documents, skipped, references: checkReferences(specs) };
}
