// A small reader for the repo's Dockerfile and .dockerignore: enough to check them statically
// (no container engine can build the image here).

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, USER... */
  op: string;
  args: string;
}

/** Instructions in order: comments dropped, `\` continuations joined. */
export function instructions(dockerfile: string): Instruction[] {
  const logical = dockerfile
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The image of each FROM, with `${ARG}` replaced by the ARG's default. */
export function baseImages(list: Instruction[]): string[] {
  const defaults = new Map<string, string>();
  const images: string[] = [];
  for (const { op, args } of list) {
    if (op === 'ARG') {
      const [name = '', value] = args.split('=');
      if (value !== undefined) defaults.set(name, value);
    }
    if (op === 'FROM') {
      const image = args.split(/\s+/).find((a) => !a.startsWith('--')) ?? '';
      images.push(image.replace(/\$\{?(\w+)\}?/g, (_m, name: string) => defaults.get(name) ?? ''));
    }
  }
  return images;
}

/** The instructions of the last stage (what the image runs). */
export function finalStage(list: Instruction[]): Instruction[] {
  const from = list.map((i) => i.op).lastIndexOf('FROM');
  return list.slice(from);
}

/** Sources of `COPY` instructions that read the build context (not `--from=` a stage). */
export function contextSources(list: Instruction[]): string[] {
  return list
    .filter((i) => i.op === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => {
      const parts = i.args.split(/\s+/).filter((a) => !a.startsWith('--'));
      return parts.slice(0, -1);
    });
}

/**
 * Whether .dockerignore sends `path` to the build: the last matching pattern wins, `!` re-includes.
 * Handles the patterns this repo uses: `*` and directory or file paths.
 */
export function inContext(dockerignore: string, path: string): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/\/$/, '');
    const matches = pattern === '*' || path === pattern || path.startsWith(`${pattern}/`);
    if (matches) included = negated;
  }
  return included;
}
