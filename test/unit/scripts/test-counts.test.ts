import { describe, expect, it } from 'vitest';
import { countGoTests, countJUnit, countVitest } from '../../../scripts/test-counts.ts';

describe('countGoTests', () => {
  it('counts tests and subtests that passed or failed', () => {
    const events = [
      { Action: 'run', Package: 'p', Test: 'TestA' },
      { Action: 'pass', Package: 'p', Test: 'TestA' },
      { Action: 'pass', Package: 'p', Test: 'TestB/sub' },
      { Action: 'fail', Package: 'p', Test: 'TestC' },
      { Action: 'fail', Package: 'p' },
      { Action: 'skip', Package: 'p', Test: 'TestD' },
    ];
    expect(countGoTests(events)).toEqual({ passed: 2, failed: 1 });
  });

  it('counts a package that failed without running tests (a build error) as one failure', () => {
    expect(countGoTests([{ Action: 'fail', Package: 'broken' }])).toEqual({ passed: 0, failed: 1 });
  });
});

describe('countVitest', () => {
  it('adds test files that failed to load to the failures', () => {
    const report = {
      numPassedTests: 5,
      numFailedTests: 1,
      testResults: [
        { status: 'passed', assertionResults: [{}, {}] },
        { status: 'failed', assertionResults: [] },
      ],
    };
    expect(countVitest(report)).toEqual({ passed: 5, failed: 2 });
  });

  it('counts a run that failed outside any test as one failure', () => {
    expect(
      countVitest({ numPassedTests: 0, numFailedTests: 0, testResults: [], success: false }),
    ).toEqual({ passed: 0, failed: 1 });
  });
});

describe('countJUnit', () => {
  it('sums pytest testsuites: errors fail, skipped count as neither', () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest" errors="1" failures="2" skipped="3" tests="20" time="1.0"><testcase/></testsuite></testsuites>`;
    expect(countJUnit(xml)).toEqual({ passed: 14, failed: 3 });
  });

  it('does not mistake <testsuites> for a suite', () => {
    expect(countJUnit('<testsuites tests="9" failures="9"></testsuites>')).toEqual({
      passed: 0,
      failed: 0,
    });
  });
});
