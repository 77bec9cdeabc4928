import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTemplate } from '../../../src/engines/engine.js';
import { LocalEngine, type LocalEngineOptions } from '../../../src/engines/local/engine.js';
import { getTemplate } from '../../../src/queries/templates.js';
import { writeSample } from '../../../src/sample/generate.js';
import { formatTime } from '../../../src/time.js';
import { useTempDir } from '../../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
/** Templates of the default format that need nothing but a range, one of them with a baseline before it. */
const TEMPLATES = ['top-talkers', 'rejected-ports', 'admin-ports', 'accepted-traffic', 'traffic-over-time', 'new-destinations'];
const RANGE = { start: formatTime(UNTIL - 86_400), end: formatTime(UNTIL) };

/** The range, and a one-day baseline for a template that compares with one. */
function paramsOf(name: string): Record<string, unknown> {
  return getTemplate(name).params.some((p) => p.name === 'baseline_days') ? { ...RANGE, baseline_days: 1 } : RANGE;
}
const tmp = useTempDir('flowq-concurrent-');

let sample = '';

beforeAll(async () => {
  sample = join(tmp(), 'sample');
  await writeSample({ out: sample, days: 3, records: 6000, seed: 17, until: UNTIL });
});

/** A copy of the sample of its own, with caches of its own: no run shares anything with another. */
function freshCopy(name: string): LocalEngineOptions {
  const location = join(tmp(), name);
  cpSync(sample, location, { recursive: true });
  return { location, verifiedCache: join(tmp(), `${name}-verified.json`) };
}

/** Each template's rows, run on an engine of its own. */
async function eachAlone(): Promise<unknown[]> {
  const answers = [];
  for (const name of TEMPLATES) {
    const engine = await LocalEngine.open(freshCopy(`alone-${name}`));
    try {
      answers.push((await runTemplate(engine, name, paramsOf(name))).rows);
    } finally {
      await engine.close();
    }
  }
  return answers;
}

/** Every template's rows, all started at once on one engine, as a report runs them. */
async function allAtOnce(options: LocalEngineOptions): Promise<unknown[]> {
  const engine = await LocalEngine.open(options);
  try {
    const documents = await Promise.all(TEMPLATES.map((name) => runTemplate(engine, name, paramsOf(name))));
    return documents.map((d) => d.rows);
  } finally {
    await engine.close();
  }
}

describe('several templates run at once on one engine', () => {
  let expected: unknown[] = [];
  beforeAll(async () => {
    expected = await eachAlone();
  });

  it('answer as each does on an engine of its own, while the engine verifies the gzip files', async () => {
    const answers = await allAtOnce(freshCopy('gzip'));
    expect(answers).toEqual(expected);
    expect(answers.some((rows) => (rows as unknown[]).length > 0)).toBe(true);
  });

  it('answer as each does alone, while the engine makes the Parquet copies', async () => {
    const options = { ...freshCopy('copies'), parquetCache: join(tmp(), 'copies-parquet') };
    expect(await allAtOnce(options)).toEqual(expected);
    // And again from the copies made.
    expect(await allAtOnce(options)).toEqual(expected);
  });

  it('answer as each does alone when only the copies are kept, and the gzip files are replaced by them', async () => {
    const options = { ...freshCopy('only-copies'), parquetCache: join(tmp(), 'only-copies-parquet'), onlyCopies: true };
    expect(await allAtOnce(options)).toEqual(expected);
    const left = readdirSync(options.location, { recursive: true }).map(String);
    expect(left.filter((p) => p.endsWith('.log.gz') && left.includes(`${p}.copied.json`))).toEqual([]);
    expect(await allAtOnce(options)).toEqual(expected);
  });
});
