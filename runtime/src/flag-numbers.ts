// Reading numeric command-line flags: each bad value adds one problem naming the flag and the
// limit, so a command can report every mistake at once.

/** A reader of numeric flags that collects problems into `problems`. */
export function numberFlags(problems: string[]) {
  return (flag: string, text: string | undefined, ok: (n: number) => boolean, limit: string) => {
    if (text === undefined) return undefined;
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (ok(n)) return n;
    problems.push(`--${flag}: "${text}" is not ${limit}`);
    return undefined;
  };
}
