import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeSample } from '../../src/sample/generate.js';
import { parseDate } from '../../src/time.js';
import { runCli } from '../support/cli-process.js';
import { useTempDir } from '../support/tmp.js';

const NO_AWS_CONFIG = {
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_PROFILE: undefined,
};
const ATHENA_RUN = ['run', 'top-talkers', '--engine', 'athena', '--database', 'flowq', '--table', 'flow_logs', '--start', '2026-10-31', '--end', '2026-11-01'];
const tmp = useTempDir('flowq-process-');

// A day of sample data whose top-talkers answer, 1,000 rows as JSON, is larger than a pipe's buffer.
const BIG_RUN = () => ['run', 'top-talkers', '--data', tmp(), '--start', '2026-11-27', '--end', '2026-11-28', '--limit', '1000', '--output', 'json'];

beforeAll(async () => {
  await writeSample({ out: tmp(), days: 1, records: 20_000, until: parseDate('2026-11-28') });
});

describe('the flowq command in a process of its own', () => {
  it('says how to set a region when none is configured, in one line with exit 1', async () => {
    const result = await runCli(ATHENA_RUN, { env: { ...NO_AWS_CONFIG, AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined } });
    expect(result).toEqual({
      code: 1,
      signal: null,
      out: '',
      err: 'flowq: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n',
    });
  });

  it.each([
    [
      '--region applied: credentials are what is missing',
      ['--region', 'eu-west-1'],
      'flowq: no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
    ],
    [
      '--profile applied: that profile is what is missing',
      ['--region', 'eu-west-1', '--profile', 'flowq-test-no-such-profile'],
      "flowq: AWS profile 'flowq-test-no-such-profile' was not found or holds no credentials: check --profile / AWS_PROFILE and ~/.aws/config\n",
    ],
    ['neither given: the region is what is missing', [], 'flowq: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n'],
  ])('takes --region and --profile on `catalog apply` (%s), in one line with exit 1', async (_what, flags, message) => {
    const noAws = {
      ...NO_AWS_CONFIG,
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
    };

    const result = await runCli(
      ['catalog', 'apply', '--location', 's3://flow-logs/vpc/', '--database', 'flowq', '--table', 'flow_logs', '--per-hour', ...flags],
      { env: noAws },
    );

    expect(result).toEqual({ code: 1, signal: null, out: '', err: message });
  });

  it('prints its version from the bundle, as an installed flowq does', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    expect(await runCli(['--version'])).toEqual({ code: 0, signal: null, out: `flowq ${pkg.version}\n`, err: '' });
  });

  it('carries in its bundle a template for every file under queries/, named after it', async () => {
    const files = readdirSync('queries')
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''))
      .sort();

    const result = await runCli(['queries', '--output', 'json']);

    expect({ code: result.code, names: (JSON.parse(result.out) as { name: string }[]).map((q) => q.name) }).toEqual({ code: 0, names: files });
  });

  it('ends quietly with exit 0 when its reader closes early, as `| head -c 100` does (EPIPE)', async () => {
    const whole = await runCli(BIG_RUN());
    expect(whole.code).toBe(0);
    expect(whole.out.length).toBeGreaterThan(128 * 1024); // twice a pipe's buffer: head exits while flowq still writes

    // Its own temporary folder, to see that the engine's work folder is gone although it was not closed.
    const tmpDir = join(tmp(), 'tmp-epipe');
    mkdirSync(tmpDir);
    const result = await runCli(BIG_RUN(), { pipeToHead: true, env: { TMPDIR: tmpDir } });

    expect(result).toEqual({ code: 0, signal: null, out: whole.out.slice(0, 100), err: '' });
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('ends with the shell code on %s within a second while DuckDB runs a query, leaving no work folder behind', async (signal, code) => {
    const tmpDir = join(tmp(), `tmp-${signal}`);
    mkdirSync(tmpDir);
    // Counting 10^13 rows runs for hours; the signal comes once DuckDB is well into it.
    const slow = ['sql', 'SELECT count(*) FROM range(10000000000000)', '--data', tmp(), '--start', '2026-11-27', '--end', '2026-11-28'];
    let opened: number | undefined;
    let signalled = 0;
    const when = () => {
      if (readdirSync(tmpDir).length === 0) return false;
      opened ??= Date.now();
      if (Date.now() - opened < 1500) return false;
      signalled = Date.now();
      return true;
    };

    const result = await runCli(slow, { env: { TMPDIR: tmpDir }, interrupt: { signal, when } });

    expect(result).toEqual({ code, signal: null, out: '', err: '' });
    expect(Date.now() - signalled).toBeLessThan(1000);
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('removes, at its next run, the work folder of a process that could not (SIGKILL; sls offline ended by SIGTERM)', async () => {
    const tmpDir = join(tmp(), 'tmp-SIGKILL');
    mkdirSync(tmpDir);
    const env = { TMPDIR: tmpDir };
    const slow = ['sql', 'SELECT count(*) FROM range(10000000000000)', '--data', tmp(), '--start', '2026-11-27', '--end', '2026-11-28'];

    const killed = await runCli(slow, { env, interrupt: { signal: 'SIGKILL', when: () => readdirSync(tmpDir).length > 0 } });
    const left = readdirSync(tmpDir);
    const next = await runCli(['sql', 'SELECT 1 AS one', '--data', tmp(), '--start', '2026-11-27', '--end', '2026-11-28', '--output', 'csv'], { env });

    expect(killed.signal).toBe('SIGKILL');
    expect(left).toEqual([expect.stringMatching(/^flowq-\d+-[A-Za-z0-9]{6}$/)]);
    expect(next).toEqual({ code: 0, signal: null, out: 'one\r\n1\r\n', err: '' });
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('reports a full disk (ENOSPC on stdout) in one line with exit 1', async () => {
    expect(existsSync('/dev/full')).toBe(true);

    const result = await runCli(BIG_RUN(), { stdoutFile: '/dev/full' });

    expect(result).toEqual({ code: 1, signal: null, out: '', err: 'flowq: cannot write the output: no space left on the device\n' });
  });

  it("makes Parquet copies in worker threads (--parquet-cache): the answer is the gzip text's, flowq writes every copy, a damaged file is named", async () => {
    const data = join(tmp(), 'copied');
    await writeSample({ out: data, days: 1, records: 5_000, until: parseDate('2026-11-28') });
    const run = (...extra: string[]) =>
      runCli(['run', 'top-talkers', '--data', data, '--start', '2026-11-27', '--end', '2026-11-28', '--limit', '50', '--output', 'csv', ...extra], {
        env: { FLOWQ_CACHE_DIR: join(tmp(), 'copied-cache') },
      });
    const fromText = await run();
    const copying = await run('--parquet-cache');
    const fromCopies = await run('--parquet-cache');
    expect(fromText.code).toBe(0);
    expect(fromText.out.split('\n').length).toBeGreaterThan(10);
    expect([copying.code, copying.out, fromCopies.code, fromCopies.out]).toEqual([0, fromText.out, 0, fromText.out]);
    const gzip = readdirSync(data, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.gz'));
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const writers = (
      await connection.runAndReadAll(`SELECT created_by, count(*) FROM parquet_file_metadata('${join(tmp(), 'copied-cache')}/**/*.parquet') GROUP BY ALL`)
    ).getRowsJson();
    connection.closeSync();
    expect(writers).toEqual([['flowq', String(gzip.length)]]);

    // A file cut short since: the run fails naming it, as when files are checked in one thread.
    const victim = join(data, gzip[0]);
    truncateSync(victim, statSync(victim).size - 20);
    const damaged = await run('--parquet-cache');
    expect(damaged).toMatchObject({ code: 1, out: '', err: `flowq: ${victim} is a corrupt gzip file (unexpected end of file)\n` });
  });
});
