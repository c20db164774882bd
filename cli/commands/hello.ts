// `flotilla local hello`: a tiny HTTP server to run as a pod, for checking a cluster's node
// agent (pod IPs, probes, logs, in-cluster API access under RBAC).
import { createServer } from 'node:http';
import { Command } from '@commander-js/extra-typings';

/** Lists pods in the pod's namespace as its service account; prints the HTTP status. */
async function checkApi(namespace: string): Promise<void> {
  // Imported here: client-node takes ~0.6 s to load, which every other use of the command would pay.
  const { CoreV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromCluster();
  try {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace });
    console.log(`api check: 200 listed ${pods.items.length} pods in ${namespace}`);
  } catch (err) {
    const code = (err as { code?: number }).code;
    console.log(
      `api check: ${code ?? 'error'} ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}

export function helloCommand() {
  return new Command('hello')
    .description(
      'Serve GET / (who am I) and GET /healthz on a port; optionally check API access first.',
    )
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind (default: $POD_IP, else 0.0.0.0)')
    .option(
      '--check-api',
      'list pods in $POD_NAMESPACE through in-cluster config and print the status',
    )
    .action(async (opts) => {
      const pod = {
        name: process.env.POD_NAME ?? '',
        namespace: process.env.POD_NAMESPACE ?? 'default',
        ip: process.env.POD_IP ?? '',
      };
      if (opts.checkApi) await checkApi(pod.namespace);
      const server = createServer((req, res) => {
        if (req.url === '/healthz') return void res.end('ok');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(pod));
      });
      const host = opts.host ?? (pod.ip || '0.0.0.0');
      server.listen(Number(opts.port), host, () =>
        console.log(`hello: listening on ${host}:${opts.port} as ${pod.name || 'unknown pod'}`),
      );
      const stop = () => server.close(() => process.exit(0));
      process.on('SIGTERM', stop).on('SIGINT', stop);
    });
}
