// Counting passed and failed tests in each test runner's own report format.
export interface Counts {
  passed: number;
  failed: number;
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { status: string; assertionResults: unknown[] }[];
  success?: boolean;
}

/**
 * vitest's JSON reporter; a test file that failed to load counts as one failure, and so does
 * a run that failed outside any test (a global setup that threw).
 */
export function countVitest(report: VitestReport): Counts {
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  const failed = report.numFailedTests + brokenFiles;
  return {
    passed: report.numPassedTests,
    failed: failed === 0 && report.success === false ? 1 : failed,
  };
}

export interface GoTestEvent {
  Action: string;
  Package?: string;
  Test?: string;
  Output?: string;
}

/** The events of a `go test -json` stream (build output lines that are not JSON are skipped). */
export function parseGoTestJson(text: string): GoTestEvent[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as GoTestEvent);
}

/** `go test -json`: every test and subtest that passed or failed; a package that failed to build counts as one failure. */
export function countGoTests(events: GoTestEvent[]): Counts {
  const counts: Counts = { passed: 0, failed: 0 };
  for (const e of events) {
    if (e.Action === 'pass' && e.Test) counts.passed++;
    if (e.Action === 'fail' && (e.Test || !events.some((o) => o.Package === e.Package && o.Test)))
      counts.failed++;
  }
  return counts;
}

/**
 * A JUnit XML report (pytest --junitxml): the sums over its <testsuite> elements. Errors count
 * as failures; skipped tests count as neither.
 */
export function countJUnit(xml: string): Counts {
  const counts: Counts = { passed: 0, failed: 0 };
  for (const [, attrs = ''] of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const n = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attrs)?.[1] ?? 0);
    const failed = n('failures') + n('errors');
    counts.failed += failed;
    counts.passed += n('tests') - failed - n('skipped');
  }
  return counts;
}
