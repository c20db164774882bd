// Prints the one closing line CI reads, `N passed, N failed`, totalled over every test
// runner's report in the results directory: vitest (*.json), go test (*.jsonl) and pytest
// (JUnit *.xml). A runner whose report is missing (it could not even start) counts as a failure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Counts,
  countGoTests,
  countJUnit,
  countVitest,
  parseGoTestJson,
} from './test-counts.ts';

/** The reports `make test` writes; each must exist. */
const EXPECTED = ['vitest.json', 'go-test.jsonl', 'trainer-pytest.xml'];

function countFile(path: string): Counts {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.jsonl')) return countGoTests(parseGoTestJson(text));
  if (path.endsWith('.xml')) return countJUnit(text);
  return countVitest(JSON.parse(text));
}

const dir = process.argv[2] ?? '.cache/test-results';
const total: Counts = { passed: 0, failed: 0 };
if (existsSync(dir)) {
  for (const name of readdirSync(dir).sort()) {
    if (!/\.(json|jsonl|xml)$/.test(name)) continue;
    const c = countFile(join(dir, name));
    total.passed += c.passed;
    total.failed += c.failed;
  }
}
for (const name of EXPECTED) {
  if (existsSync(join(dir, name))) continue;
  console.error(`test-summary: no ${name}: that test runner did not run (counted as 1 failure)`);
  total.failed++;
}
console.log(`${total.passed} passed, ${total.failed} failed`);
