// The files and packages a program loads at run time, found by following its relative
// imports from an entry file. Type-only imports are skipped: type stripping erases them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const SPECIFIERS = [
  /^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

export interface RuntimeImports {
  /** Files relative to root, the entry included. */
  files: string[];
  /** Package names (`@scope/name` or `name`), node: builtins excluded. */
  packages: string[];
}

export function runtimeImports(root: string, entry: string): RuntimeImports {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(root, entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const pattern of SPECIFIERS)
      for (const [, spec = ''] of source.matchAll(pattern)) {
        if (spec.startsWith('node:')) continue;
        if (!spec.startsWith('.')) {
          packages.add(
            spec
              .split('/')
              .slice(0, spec.startsWith('@') ? 2 : 1)
              .join('/'),
          );
          continue;
        }
        const target = resolve(dirname(file), spec);
        if (!existsSync(target)) throw new Error(`${relative(root, file)}: ${spec} does not exist`);
        if (/\.(ts|js|mjs)$/.test(target)) queue.push(target);
        else files.add(target);
      }
  }
  return { files: [...files].map((f) => relative(root, f)).sort(), packages: [...packages].sort() };
}
