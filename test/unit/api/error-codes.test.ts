import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { LOCAL_UP_ERROR_CODES } from '../../../cli/local-up/errors.ts';
import { ALL_ERROR_CODES } from '../../../operator/src/api/docs.ts';
import { ERROR_CODES, TRAINER_ERROR_CODES } from '../../../operator/src/errors.ts';
import { KUBE_ERROR_CODES } from '../../../operator/src/kube/errors.ts';
import { SHARDING_ERROR_CODES } from '../../../operator/src/sharding/errors.ts';
import { DATASET_ERROR_CODES } from '../../../runtime/src/dataset/errors.ts';
import { RUNTIME_ERROR_CODES } from '../../../runtime/src/errors.ts';
import { FEED_ERROR_CODES } from '../../../runtime/src/feed/errors.ts';
import { FORENSICS_ERROR_CODES } from '../../../runtime/src/forensics/errors.ts';
import { INFERENCE_ERROR_CODES } from '../../../runtime/src/inference/errors.ts';
import { LEDGER_ERROR_CODES } from '../../../runtime/src/ledger/errors.ts';

describe('error codes', () => {
  it('are unique across every table (a code is never reused)', () => {
    const tables = [
      ERROR_CODES,
      RUNTIME_ERROR_CODES,
      FEED_ERROR_CODES,
      INFERENCE_ERROR_CODES,
      TRAINER_ERROR_CODES,
      DATASET_ERROR_CODES,
      KUBE_ERROR_CODES,
      SHARDING_ERROR_CODES,
      LEDGER_ERROR_CODES,
      FORENSICS_ERROR_CODES,
      LOCAL_UP_ERROR_CODES,
    ];
    const all = tables.flatMap((t) => Object.keys(t));
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(ALL_ERROR_CODES).sort()).toEqual([...all].sort());
    for (const code of all) expect(code).toMatch(/^FLT_[A-Z_]+$/);
  });

  it('list exactly the codes the Python trainer raises', () => {
    const source = readFileSync(join(REPO_ROOT, 'trainer/src/flotilla_trainer/errors.py'), 'utf8');
    const python = [...source.matchAll(/^[A-Z_]+ = "(FLT_[A-Z_]+)"$/gm)].map((m) => m[1]);
    expect(python.length).toBeGreaterThan(0);
    expect(python.sort()).toEqual(Object.keys(TRAINER_ERROR_CODES).sort());
  });
});
