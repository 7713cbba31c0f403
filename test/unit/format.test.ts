import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { chalk, table } from '../../src/cli/format.js';

describe('table', () => {
  it('aligns columns by what shows, not by colour escapes', () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      const text = table(
        [
          ['NAME', 'STATE'],
          [chalk.green('ok'), chalk.red('down')],
          ['longer', 'x'],
        ],
        '',
      );
      expect(text).toContain('\u001b[');
      expect(stripVTControlCharacters(text).split('\n')).toEqual(['NAME    STATE', 'ok      down', 'longer  x']);
    } finally {
      chalk.level = level;
    }
  });
});
