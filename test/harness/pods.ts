// Pods of the local cluster are host processes: find a container's process by the downward-API
// environment the pod gives it.
import { readdirSync, readFileSync } from 'node:fs';

/** Host pid of the process whose environment says it is this pod's container. */
export function containerPid(namespace: string, pod: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`POD_NAME=${pod}`) && env.includes(`POD_NAMESPACE=${namespace}`))
        return Number(entry);
    } catch {}
  }
  return undefined;
}
