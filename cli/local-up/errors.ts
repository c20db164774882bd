// Errors of `flotilla local up` and the servers it starts. Codes are registered in
// docs/reference/errors.md through operator/src/api/docs.ts; never reuse one.
import { FlotillaError } from '../../operator/src/errors.ts';

export const LOCAL_UP_ERROR_CODES = {
  FLT_LOCAL_UP_CONFIG:
    'An option of `flotilla local up` is out of range. Fix the flag the message names.',
  FLT_LOCAL_SERVER_MISSING:
    'A server binary (redis-server, clickhouse-server) is not installed. Run `make system` as root, or the apt-get command in the message.',
  FLT_LOCAL_SERVER_START:
    'A server local up starts (the local cluster, redis-server, clickhouse-server) exited or did not become ready. The message ends with its log.',
  FLT_LOCAL_UP_INSTALL:
    'Installing the chart or applying the example fleet failed. The message has the output of helm or kubectl.',
  FLT_LOCAL_UP_NOT_READY:
    'Some Strategies were not Ready in time. The message names each with its Ready reason; look with `flotilla local kubectl --dir D describe strategy NAME` and the runner logs.',
} as const;

export type LocalUpErrorCode = keyof typeof LOCAL_UP_ERROR_CODES;

export class LocalUpError extends FlotillaError {
  constructor(code: LocalUpErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
