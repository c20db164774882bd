// Prints the one closing line CI reads, `N passed, N failed`, totalled over every test
// runner's report in the results directory: vitest (*.json) and go test (*.jsonl).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Counts, countGoTests, countVitest, parseGoTestJson } from './test-counts.ts';

function countFile(path: string): Counts {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.jsonl')) {
    return countGoTests(parseGoTestJson(text));
  }
  return countVitest(JSON.parse(text));
}

const dir = process.argv[2] ?? '.cache/test-results';
const total: Counts = { passed: 0, failed: 0 };
if (existsSync(dir)) {
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') && !name.endsWith('.jsonl')) continue;
    const c = countFile(join(dir, name));
    total.passed += c.passed;
    total.failed += c.failed;
  }
}
console.log(`${total.passed} passed, ${total.failed} failed`);
