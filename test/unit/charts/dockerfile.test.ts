import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  baseImages,
  contextSources,
  finalStage,
  type Instruction,
  inContext,
  instructions,
} from './dockerfile.ts';
import { ROOT } from './helm.ts';
import { runtimeImports } from './imports.ts';

// The image cannot be built here (no container engine), so its invariants are checked on the
// text: the Node major it runs, who it runs as, what it fetches, and that it holds every file
// and production package the `flotilla` command loads.
const list = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const last = finalStage(list);
const one = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).at(-1)?.args;

describe('Dockerfile', () => {
  it('builds every stage on Node 24 (the LTS the project pins), Debian slim', () => {
    const images = baseImages(list);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:24-bookworm-slim$/);
  });

  it('runs as a numeric non-root user', () => {
    const user = one(last, 'USER') ?? '';
    const [uid = '', gid = uid] = user.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(Number(gid)).toBeGreaterThan(0);
  });

  it('fetches nothing with ADD (remote URLs are not pinned by a checksum)', () => {
    expect(list.filter((i) => i.op === 'ADD' && /https?:\/\/|git@/.test(i.args))).toEqual([]);
  });

  it('starts the flotilla command on Node, by type stripping', () => {
    expect(JSON.parse(one(last, 'ENTRYPOINT') ?? 'null')).toEqual(['node', 'cli/main.ts']);
  });

  it('installs production dependencies only', () => {
    const run = list.filter((i) => i.op === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
    expect(run).toHaveLength(1);
    expect(run[0]?.args).toContain('--omit=dev');
  });

  it('copies from the build context only paths that exist and .dockerignore lets through', () => {
    for (const source of contextSources(list)) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(inContext(dockerignore, source), source).toBe(true);
    }
  });

  it('holds every file the command loads and nothing it loads needs a dev dependency', () => {
    const copied = contextSources(last);
    const { files, packages } = runtimeImports(ROOT, 'cli/main.ts');
    const outside = files.filter((f) => !copied.some((c) => f === c || f.startsWith(`${c}/`)));
    expect(outside, 'files the image lacks').toEqual([]);
    expect(
      files.filter((f) => !inContext(dockerignore, f)),
      '.dockerignore drops',
    ).toEqual([]);
    const notProduction = packages.filter((p) => !(p in pkg.dependencies));
    expect(notProduction, 'imported packages not in "dependencies"').toEqual([]);
  });
});
