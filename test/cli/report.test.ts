import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../support/cli-in-process.js';
import { TEMPLATES } from '../../src/queries/templates.js';
import { writeSample } from '../../src/sample/generate.js';
import { useTempDir } from '../support/tmp.js';
import { defaultWriter } from '../support/writer.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const tmp = useTempDir('flowq-cli-report-');
const data = () => join(tmp(), 'data');

/** Every file under a folder, as paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

beforeAll(async () => {
  await writeSample({ out: data(), days: 2, records: 4000, seed: 3, until: UNTIL });
});

/** The default report: what changed against the days before, then the three rankings. */
const NAMES = ['new-destinations', 'new-listeners', 'traffic-change', 'top-talkers', 'rejected-ports', 'eni-bytes'];

describe('flowq report', () => {
  it('writes JSON, CSV, the page, the manifest and latest.json; the JSON is what flowq run --output json prints for the day', async () => {
    const out = join(tmp(), 'one');
    const { code, out: stdout, err } = await cli('report', '--data', data(), '--out', out, '--date', '2026-10-31');
    expect(code).toBe(0);
    expect(stdout).toBe(`${join(out, '2026', '10', '31', 'index.html')}\n`);
    const rowCount = (n: string) => (JSON.parse(readFileSync(join(out, '2026', '10', '31', `${n}.json`), 'utf8')) as { rows: unknown[] }).rows.length;
    // The sample's two days leave most of the 7-day baseline without files: the change templates say so once.
    const baselineNote =
      'flowq: note: the 7-day baseline begins at partition 2026/10/24, before the first partition with flow logs (2026/10/30): ' +
      'what the range holds is compared only with what there is from 2026/10/30 on, so more of it may be reported as new or changed';
    expect(err.split('\n').filter(Boolean).sort()).toEqual(
      [...NAMES.map((n) => `2026-10-31 ${n}: ${rowCount(n)} row${rowCount(n) === 1 ? '' : 's'}`), baselineNote].sort(),
    );
    expect(files(out)).toEqual(
      [...NAMES.flatMap((n) => [`2026/10/31/${n}.csv`, `2026/10/31/${n}.json`]), '2026/10/31/index.html', '2026/10/31/manifest.json', 'latest.json'].sort(),
    );
    for (const name of NAMES) {
      const run = await cli('run', name, '--data', data(), '--start', '2026-10-31', '--end', '2026-11-01', '--limit', '25', '--output', 'json');
      expect(run.code).toBe(0);
      const direct = JSON.parse(run.out) as Record<string, unknown>;
      const stored = JSON.parse(readFileSync(join(out, '2026', '10', '31', `${name}.json`), 'utf8')) as Record<string, unknown>;
      expect({ ...stored, stats: undefined }).toEqual({ ...direct, stats: undefined });
      const csv = await cli('run', name, '--data', data(), '--start', '2026-10-31', '--end', '2026-11-01', '--limit', '25', '--output', 'csv');
      expect(readFileSync(join(out, '2026', '10', '31', `${name}.csv`), 'utf8')).toBe(csv.out);
    }
  });

  it('with --notify prints what changed after the page, as the report function publishes it', async () => {
    const out = join(tmp(), 'notify');
    const { code, out: stdout } = await cli('report', '--data', data(), '--out', out, '--date', '2026-10-31', '--notify');
    expect(code).toBe(0);
    const day = join(out, '2026', '10', '31');
    const rows = (n: string) => (JSON.parse(readFileSync(join(day, `${n}.json`), 'utf8')) as { rows: Record<string, unknown>[] }).rows;
    const [destinations, listeners, changes] = [rows('new-destinations'), rows('new-listeners'), rows('traffic-change')];
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const lines = stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      join(day, 'index.html'),
      `flowq: what changed on 2026-10-31 against the 7 days before: ${plural(destinations.length, 'new destination')}, ${plural(listeners.length, 'new listener')}, ${plural(changes.length, 'traffic change')}`,
      '',
    ]);
    // The sample's planted new destination (the day's largest) and new listener, one line each.
    expect(lines).toContain('- 10.0.0.11 → 203.0.113.23:4444/TCP, first seen 03:12 UTC, 42.0 MB');
    expect(lines).toContain('- 10.0.0.12 accepted 8443/TCP from 3 sources, first seen 05:00 UTC, 1.2 MB');
    expect(lines.slice(-3)).toEqual([`Report: ${join(day, 'index.html')}`, `Manifest: ${join(day, 'manifest.json')}`, '']);
  });

  it('refuses a malformed --internal-cidrs list with one line and exit code 2', async () => {
    const { code, out: stdout, err } = await cli('report', '--data', data(), '--out', join(tmp(), 'bad'), '--internal-cidrs', '10.0.0.0/8,fd00::/129');
    expect({ code, stdout, err }).toEqual({
      code: 2,
      stdout: '',
      err: "flowq: --internal-cidrs: item 2: '/129' is not a prefix length: an IPv6 network takes /0 to /128\n",
    });
  });

  it('writes the same keys and rows when run again', async () => {
    const out = join(tmp(), 'again');
    await cli('report', '--data', data(), '--out', out, '--date', '2026-10-31');
    const before = files(out);
    const rows = (name: string) => (JSON.parse(readFileSync(join(out, '2026', '10', '31', `${name}.json`), 'utf8')) as { rows: unknown[] }).rows;
    const firstRows = NAMES.map(rows);
    expect((await cli('report', '--data', data(), '--out', out, '--date', '2026-10-31')).code).toBe(0);
    expect(files(out)).toEqual(before);
    expect(NAMES.map(rows)).toEqual(firstRows);
  });

  it('backfills a range of days, oldest first, latest.json on the newest, and runs only the templates named', async () => {
    const out = join(tmp(), 'range');
    const { code, out: stdout } = await cli(
      'report',
      '--data',
      data(),
      '--out',
      out,
      '--start',
      '2026-10-30',
      '--end',
      '2026-11-01',
      '--templates',
      'eni-bytes',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(`${join(out, '2026', '10', '30', 'index.html')}\n${join(out, '2026', '10', '31', 'index.html')}\n`);
    expect(files(out)).toEqual(
      ['2026/10/30', '2026/10/31']
        .flatMap((d) => [`${d}/eni-bytes.csv`, `${d}/eni-bytes.json`, `${d}/index.html`, `${d}/manifest.json`])
        .concat('latest.json')
        .sort(),
    );
    expect(JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'))).toMatchObject({ date: '2026-10-31', index: '2026/10/31/index.html' });
  });

  it('fails only the templates whose sums pass bigint, naming the template and the partition, and writes the rest', async () => {
    // One record holds bytes = 2^63 − 1: every sum of bytes over it passes bigint (Trino fails such a sum too).
    const dir = join(tmp(), 'overflow');
    const out = join(tmp(), 'overflow-report');
    const writer = defaultWriter(dir);
    const at = Date.UTC(2026, 9, 31, 12) / 1000;
    const record = (src: string, bytes: string, action: string) => [
      '2',
      '123456789012',
      'eni-1',
      src,
      '10.0.0.9',
      '1',
      '22',
      '6',
      '1',
      bytes,
      String(at),
      String(at + 30),
      action,
      'OK',
    ];
    await writer.write({
      account: '123456789012',
      region: 'us-east-1',
      flowLogId: 'fl-1',
      fileTime: at,
      records: [record('10.0.0.1', '9223372036854775807', 'ACCEPT'), record('10.0.0.1', '100', 'ACCEPT'), record('10.0.0.3', '50', 'REJECT')],
    });
    await writer.close();

    const { code, out: printed, err } = await cli('report', '--data', dir, '--out', out, '--date', '2026-10-31');

    const failure = (name: string) =>
      `${name}: a sum passes the largest bigint (9223372036854775807) in partition 2026/10/31: a record there holds a value no flow reaches`;
    expect(code).toBe(1);
    expect(printed).toBe(`${join(out, '2026', '10', '31', 'index.html')}\n`);
    expect(err.split('\n').sort()).toEqual(
      [
        '',
        `2026-10-31 top-talkers: failed: ${failure('top-talkers')}`,
        '2026-10-31 rejected-ports: 1 row',
        // The day's data is one file: the late margin's partition has none, as flowq run would say too.
        `flowq: note: no flow-log files for partition 2026/11/01 under ${dir}/AWSLogs`,
        `2026-10-31 eni-bytes: failed: ${failure('eni-bytes')}`,
        `flowq: report template failed: 2026-10-31 top-talkers: ${failure('top-talkers')}`,
        `flowq: report template failed: 2026-10-31 eni-bytes: ${failure('eni-bytes')}`,
        // The change templates: traffic-change sums the interface's bytes too; the others find nothing (internal traffic, no listener).
        '2026-10-31 new-destinations: 0 rows',
        '2026-10-31 new-listeners: 0 rows',
        `2026-10-31 traffic-change: failed: ${failure('traffic-change')}`,
        `flowq: report template failed: 2026-10-31 traffic-change: ${failure('traffic-change')}`,
        `flowq: note: the 7-day baseline begins at partition 2026/10/24, before the first partition with flow logs (2026/10/31): what the range holds is compared only with what there is from 2026/10/31 on, so more of it may be reported as new or changed`,
      ].sort(),
    );
    expect(readFileSync(join(out, '2026', '10', '31', 'index.html'), 'utf8')).toContain(failure('top-talkers'));
  });

  it('says so, on the console and on the page, when the day has no files, and exits 0 with its empty report', async () => {
    const out = join(tmp(), 'empty');
    const { code, out: stdout, err } = await cli('report', '--data', data(), '--out', out, '--date', '2020-01-01');

    const note = `no flow-log files for partitions 2020/01/01 to 2020/01/02 under ${data()}/AWSLogs: the answer is empty`;
    expect({ code, stdout }).toEqual({ code: 0, stdout: `${join(out, '2020', '01', '01', 'index.html')}\n` });
    expect(err.split('\n').sort()).toEqual(['', `flowq: note: ${note}`, ...NAMES.map((n) => `2020-01-01 ${n}: 0 rows`)].sort());
    const page = readFileSync(join(out, '2020', '01', '01', 'index.html'), 'utf8');
    // Under each ranking's heading, and once in What changed for the three change templates.
    expect(page.split(`<p class="note">${note}</p>`)).toHaveLength(NAMES.length - 3 + 1 + 1);
  });

  it('refuses a bad date, an unknown template, a template missing a parameter and a missing --out with one line and exit code 2, writing nothing', async () => {
    const out = join(tmp(), 'refused');
    expect(await cli('report', '--data', data(), '--out', out, '--date', '2026-10-32')).toEqual({
      code: 2,
      out: '',
      err: 'flowq: --date must be a date (YYYY-MM-DD), not "2026-10-32"\n',
    });
    expect(await cli('report', '--data', data(), '--out', out, '--templates', 'top-talkers,nope')).toEqual({
      code: 2,
      out: '',
      err: `flowq: unknown query 'nope'; known queries: ${[...TEMPLATES.keys()].join(', ')}\n`,
    });
    // A template that needs a parameter a report cannot give is refused before any template runs.
    expect(await cli('report', '--data', data(), '--out', out, '--date', '2026-10-31', '--templates', 'top-talkers,traffic-from')).toEqual({
      code: 2,
      out: '',
      err: 'flowq: --templates: traffic-from cannot run in a report (cidr: is required); leave it out\n',
    });
    expect(await cli('report', '--data', data(), '--date', '2026-10-31')).toEqual({
      code: 2,
      out: '',
      err: 'flowq: --out <dir> is required: the folder the report is written to\n',
    });
    expect(existsSync(out)).toBe(false);
  });
});
