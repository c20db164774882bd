// Models of one namespace, read through the Kubernetes API: the Model whose spec.sha256 is the
// digest gives the input order and output of the artifact, which is fetched from its spec.uri
// (or the artifact cache) and verified by the runner's own obtainArtifact.
import type { KubernetesObject } from '@kubernetes/client-node';
import { resolveModel } from '../../../operator/src/api/shard/resolve.ts';
import type { ModelSpec } from '../../../operator/src/api/v1alpha1/model.ts';
import type { KubeClient } from '../../../operator/src/kube/client.ts';
import { FLOTILLA } from '../../../operator/src/kube/resource-type.ts';
import { type ArtifactOptions, obtainArtifact } from '../inference/artifact.ts';
import type { ModelSource } from './model-source.ts';

type ModelObject = KubernetesObject & { spec?: ModelSpec };

export interface KubeModelSourceOptions {
  client: KubeClient;
  namespace: string;
  /** Where fetched artifacts are cached and the fetch limits (the runner's own defaults fit). */
  artifact: ArtifactOptions;
}

export function kubeModelSource(opts: KubeModelSourceOptions): ModelSource {
  const { client, namespace } = opts;
  return {
    where: `Models in Kubernetes namespace ${namespace}`,
    async find(digest) {
      const { items } = await client.list<ModelObject>(FLOTILLA.model, { namespace });
      // Several Models may name one artifact; any of them describes it (the first by name).
      const matching = items
        .filter((m) => m.spec?.sha256 === digest && m.metadata?.name)
        .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
      const object = matching[0];
      if (!object?.spec) return undefined;
      const spec = resolveModel(object.metadata?.name ?? '', object.spec);
      const { bytes } = await obtainArtifact(spec, opts.artifact);
      return {
        bytes,
        spec,
        from: `Model ${spec.name} in namespace ${namespace} (${spec.uri})`,
      };
    },
  };
}
