// Prints the one closing line CI reads, `N passed, N failed`, totalled over every test
// runner's report in the results directory. Each runner writes its own format.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Counts {
  passed: number;
  failed: number;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { status: string; assertionResults: unknown[] }[];
}

/** vitest's JSON reporter; a test file that failed to load counts as one failure. */
function vitestCounts(report: VitestReport): Counts {
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  return { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles };
}

export function summarize(dir: string): Counts {
  const total: Counts = { passed: 0, failed: 0 };
  if (!existsSync(dir)) return total;
  for (const name of readdirSync(dir).sort()) {
    if (!name.startsWith('vitest') || !name.endsWith('.json')) continue;
    const c = vitestCounts(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    total.passed += c.passed;
    total.failed += c.failed;
  }
  return total;
}

const dir = process.argv[2] ?? '.cache/test-results';
const { passed, failed } = summarize(dir);
console.log(`${passed} passed, ${failed} failed`);
