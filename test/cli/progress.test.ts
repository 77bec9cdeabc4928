import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { countPrinter } from '../../src/cli/progress.js';
import { useTempDir } from '../support/tmp.js';

function capture(): { io: { out: () => void; err: (t: string) => void }; text: () => string } {
  let err = '';
  return { io: { out: () => undefined, err: (t) => (err += t) }, text: () => err };
}

describe('progress on stderr', () => {
  it.each([1, 7, 10, 75, 1000])('writes at most a line per 10%% when stderr is not a terminal, and the last one, for %i steps', (total) => {
    const { io, text } = capture();
    const show = countPrinter(io, 'writing files', false);
    for (let done = 1; done <= total; done++) show(done, total);

    // The first step that reaches each tenth, and the end.
    const expected: string[] = [];
    const seen = new Set<number>();
    for (let done = 1; done <= total; done++) {
      const tenth = done === total ? 10 : Math.floor((done * 10) / total);
      if (seen.has(tenth)) continue;
      seen.add(tenth);
      expected.push(`writing files: ${done}/${total} (${Math.floor((done * 100) / total)}%)`);
    }
    expect(text().split('\n')).toEqual([...expected, '']);
    expect(expected.length).toBeLessThanOrEqual(11);
    expect(expected.at(-1)).toBe(`writing files: ${total}/${total} (100%)`);
  });

  it('rewrites one line in place on a terminal and ends it when the work is done', () => {
    const { io, text } = capture();
    const show = countPrinter(io, 'copying files to the Parquet cache', true);
    for (let done = 1; done <= 4; done++) show(done, 4);

    expect(text()).toBe([1, 2, 3, 4].map((done) => `\r\x1b[2Kcopying files to the Parquet cache: ${done}/4 (${done * 25}%)`).join('') + '\n');
  });
});

describe('flowq sample on a terminal and off it', () => {
  const tmp = useTempDir('flowq-progress-');

  it.each([true, false])('writes its progress in place when stderr is a terminal (%s), then its summary', async (interactive) => {
    let err = '';
    const code = await main(['sample', '--out', join(tmp(), String(interactive)), '--days', '1', '--records', '300', '--until', '2026-11-28'], {
      out: () => undefined,
      err: (t) => (err += t),
      interactive,
    });

    expect(code).toBe(0);
    const [progress, summary] = [err.slice(0, err.lastIndexOf('wrote ')), err.slice(err.lastIndexOf('wrote '))];
    expect(summary).toMatch(/^wrote [\d,]+ records in \d+ files under .*\n$/);
    const files = Number(/ in (\d+) files /.exec(summary)![1]);
    if (interactive) {
      expect(progress).toMatch(new RegExp(`^(\\r\\x1b\\[2Kwriting files: \\d+/${files} \\(\\d+%\\))+\\n$`));
      expect(progress.split('\r').length - 1).toBe(files);
    } else {
      expect(progress).toMatch(new RegExp(`^(writing files: \\d+/${files} \\(\\d+%\\)\\n){2,11}$`));
      expect(progress).not.toContain('\r');
    }
  });
});
