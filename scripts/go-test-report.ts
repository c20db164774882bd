// Prints the failures (with their output) and a one-line count from `go test -json`, so a
// Go failure reads as clearly as a vitest one in `make test`.
import { readFileSync } from 'node:fs';
import { countGoTests, parseGoTestJson } from './test-counts.ts';

const events = parseGoTestJson(readFileSync(process.argv[2] ?? '', 'utf8'));
const output = new Map<string, string>();
for (const e of events)
  if (e.Test && e.Output)
    output.set(`${e.Package} ${e.Test}`, (output.get(`${e.Package} ${e.Test}`) ?? '') + e.Output);
for (const e of events)
  if (e.Test && e.Action === 'fail')
    console.log(`--- FAIL ${e.Package} ${e.Test}\n${output.get(`${e.Package} ${e.Test}`) ?? ''}`);
const { passed, failed } = countGoTests(events);
console.log(`go test summary: passed=${passed} failed=${failed}`);
