import { describe, expect, it } from 'vitest';
import { lookAroundLines, shellQuote } from '../../../cli/local-up/look-around.ts';

describe('lookAroundLines', () => {
  it('names the cluster directory in every kubectl command', () => {
    const lines = lookAroundLines('node cli/bin/flotilla.js', '/tmp/demo', 'momentum-btc');
    expect(lines.slice(1)).toEqual([
      '  node cli/bin/flotilla.js local kubectl --dir /tmp/demo get strategies,models,pods',
      '  node cli/bin/flotilla.js local kubectl --dir /tmp/demo describe strategy momentum-btc',
      '  node cli/bin/flotilla.js local kubectl --dir /tmp/demo logs flotilla-runner-0',
      '  node cli/bin/flotilla.js local kubectl --dir /tmp/demo logs deployment/flotilla-operator',
    ]);
  });
});

describe('shellQuote', () => {
  it.each([
    ['/tmp/demo', '/tmp/demo'],
    ['/home/me/my demo', "'/home/me/my demo'"],
    ["it's", "'it'\\''s'"],
  ])('%s -> %s', (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});
