// Reads Kubernetes manifests (multi-document YAML files, or directories of them).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ManifestParseError } from '../errors.ts';

export interface ManifestDocument {
  /** `file.yaml#2`: the file and the 1-based document index within it. */
  source: string;
  object: unknown;
}

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      if (statSync(child).isDirectory()) return yamlFiles(child);
      return ['.yaml', '.yml'].includes(extname(name)) ? [child] : [];
    });
}

export function parseManifests(text: string, file: string): ManifestDocument[] {
  const docs = parseAllDocuments(text);
  const out: ManifestDocument[] = [];
  docs.forEach((doc, i) => {
    const source = `${file}#${i + 1}`;
    const [err] = doc.errors;
    if (err) throw new ManifestParseError(`${source}: ${err.message}`);
    const object: unknown = doc.toJS();
    if (object !== null && object !== undefined) out.push({ source, object });
  });
  return out;
}

/** Every document of every YAML file under `paths`, in a stable order. */
export function readManifests(paths: string[]): ManifestDocument[] {
  return paths
    .flatMap(yamlFiles)
    .flatMap((file) => parseManifests(readFileSync(file, 'utf8'), file));
}
