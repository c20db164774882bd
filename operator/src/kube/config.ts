// Finds the cluster the usual way: an explicit kubeconfig file, else the pod's service account
// (in-cluster), else KUBECONFIG, else ~/.kube/config.
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.ts';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigSource {
  /** A kubeconfig file to use instead of the search (a `--kubeconfig` flag). */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the service-account token is mounted (tests point it elsewhere). */
  tokenPath?: string;
}

export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  const env = source.env ?? process.env;
  const kc = new KubeConfig();
  try {
    if (source.kubeconfig) kc.loadFromFile(source.kubeconfig);
    else if (env.KUBERNETES_SERVICE_HOST && existsSync(source.tokenPath ?? SERVICE_ACCOUNT_TOKEN))
      kc.loadFromCluster();
    // KUBECONFIG (every file in it, merged), else ~/.kube/config.
    else kc.loadFromDefault();
  } catch (err) {
    throw new KubeConfigError(`loading the Kubernetes client configuration failed: ${err}`, {
      cause: err,
    });
  }
  if (!kc.getCurrentCluster())
    throw new KubeConfigError(
      'no Kubernetes cluster is configured: run in a pod with a service account, or set KUBECONFIG',
    );
  allowPlainHttp(kc);
  return kc;
}

// client-node refuses http:// servers unless insecure-skip-tls-verify is set, although there is
// no TLS to verify; a local `kubectl proxy` is such a server.
function allowPlainHttp(kc: KubeConfig): void {
  kc.clusters = kc.clusters.map((c) =>
    c.server.startsWith('http://') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c,
  );
}
