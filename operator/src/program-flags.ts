// Flag checks both long-running programs (`flotilla operator`, `flotilla runner`) share: each
// bad value adds one FieldError naming the flag and its limit, so a program reports every
// mistake at once, and the pod-environment defaults they read the same way.
import { readFileSync } from 'node:fs';
import type { FieldError } from './api/validation/messages.ts';

const SA_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The namespace of the pod's service account, when running in a cluster. */
export function readServiceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SA_NAMESPACE, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function flagChecks(errors: FieldError[], env: NodeJS.ProcessEnv) {
  return {
    int(path: string, text: string | undefined, fallback: number, min: number, max: number) {
      if (text === undefined) return fallback;
      const n = Number(text);
      if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
        errors.push({
          path,
          message: `${JSON.stringify(text)} is not an integer from ${min} to ${max}`,
        });
        return fallback;
      }
      return n;
    },
    /** --log-level, else LOG_LEVEL, else info. */
    logLevel(flag: string | undefined): string {
      const level = flag ?? env.LOG_LEVEL ?? 'info';
      if (!LOG_LEVELS.includes(level))
        errors.push({
          path: '--log-level',
          message: `${JSON.stringify(level)} is not one of ${LOG_LEVELS.join(', ')}`,
        });
      return level;
    },
    /** --redis-url, else REDIS_URL, else the local default. */
    redisUrl(flag: string | undefined): string {
      const url = flag ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      if (!/^rediss?:\/\//.test(url))
        errors.push({
          path: '--redis-url',
          message: `${JSON.stringify(url)} is not a redis:// or rediss:// URL`,
        });
      return url;
    },
    /** --clickhouse-url, else CLICKHOUSE_URL; undefined means no ledger. */
    clickhouseUrl(flag: string | undefined): string | undefined {
      const url = flag ?? (env.CLICKHOUSE_URL || undefined);
      if (url !== undefined && !/^https?:\/\/\S+$/.test(url))
        errors.push({
          path: '--clickhouse-url',
          message: `${JSON.stringify(url)} is not an http:// or https:// URL`,
        });
      return url;
    },
  };
}
