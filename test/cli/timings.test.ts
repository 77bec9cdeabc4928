import { writeSample } from '../../src/sample/generate.js';
import { parseDate } from '../../src/time.js';
import { runCli } from '../support/cli-process.js';
import { useTempDir } from '../support/tmp.js';

const tmp = useTempDir('flowq-timings-');

beforeAll(async () => {
  await writeSample({ out: tmp(), days: 1, records: 2000, until: parseDate('2026-11-28') });
});

describe('FLOWQ_TIMINGS=1, what npm run bench reads', () => {
  it("prints where a question's time went, phase by phase in order, adding up to the total, after the answer", async () => {
    const argv = ['run', 'top-talkers', '--data', tmp(), '--start', '2026-11-27', '--end', '2026-11-28', '--output', 'json'];
    const plain = await runCli(argv);
    const timed = await runCli(argv, { env: { FLOWQ_TIMINGS: '1' } });

    expect({ code: timed.code, rows: JSON.parse(timed.out).rows as unknown }).toEqual({ code: 0, rows: JSON.parse(plain.out).rows as unknown });
    expect(plain.err).toBe('');
    const line = /^timings: (.*)\n$/.exec(timed.err)?.[1] ?? '';
    const parts = line.split(', ').map((p) => /^(.+) ([\d.]+) ms$/.exec(p)!.slice(1));
    expect(parts.map(([phase]) => phase)).toEqual(['node start', 'imports', 'files found', 'duckdb open', 'view', 'query', 'output', 'close', 'total']);
    const values = parts.map(([, ms]) => Number(ms));
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
    const sum = values.slice(0, -1).reduce((a, b) => a + b, 0);
    // Each figure is rounded to 0.1 ms.
    expect(Math.abs(sum - values.at(-1)!)).toBeLessThan(0.5);
  });
});
