import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseObjectKey } from '../../src/flowlog/layout.js';
import { writeSample } from '../../src/sample/generate.js';
import { useTempDir } from '../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 27) / 1000;
const tmp = useTempDir();

function readRecords(dir: string) {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.log.gz'));
  return files.flatMap((e) => {
    const path = join(e.parentPath, e.name);
    const key = parseObjectKey(relative(dir, path))!;
    const [header, ...lines] = gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n');
    const names = header.split(' ');
    return lines.map((line) => ({ key, path, record: Object.fromEntries(line.split(' ').map((v, i) => [names[i], v])) }));
  });
}

describe('writeSample', () => {
  it('writes a realistic mix in AWS layout: accounts, regions, scanners, NODATA, SKIPDATA, IPv6, ICMP, late-filed flows', async () => {
    const dir = join(tmp(), 'mix');
    const summary = await writeSample({
      out: dir,
      days: 2,
      records: 20_000,
      until: UNTIL,
      logFormat:
        '${version} ${account-id} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${region} ${type}',
    });
    const rows = readRecords(dir);
    expect(rows).toHaveLength(summary.records);
    expect(summary).toMatchObject({ from: UNTIL - 2 * 86_400, until: UNTIL, files: 3 * 49 });
    const count = (pred: (r: Record<string, string>) => boolean) => rows.filter((x) => pred(x.record)).length;
    const share = (pred: (r: Record<string, string>) => boolean) => count(pred) / rows.length;

    expect(new Set(rows.map((x) => `${x.record['account-id']}/${x.record.region}`))).toEqual(
      new Set(['111122223333/us-east-1', '111122223333/eu-west-1', '444455556666/us-east-1']),
    );
    expect(new Set(rows.map((x) => x.record['vpc-id'])).size).toBe(3);
    expect(rows.every((x) => x.key.account === x.record['account-id'] && x.key.region === x.record.region)).toBe(true);
    expect(rows.every((x) => x.record.version === '4')).toBe(true);
    // Every record sits in the file whose window holds its end time, and some started the day before.
    expect(rows.every((x) => Number(x.record.end) >= x.key.fileTime && Number(x.record.end) < x.key.fileTime + 3600)).toBe(true);
    const dayStart = (t: number) => Math.floor(t / 86_400) * 86_400;
    expect(count((r) => dayStart(Number(r.start)) < dayStart(Number(r.end)))).toBeGreaterThan(0);
    expect(count((r) => Number(r.start) < UNTIL && Number(r.end) >= UNTIL)).toBeGreaterThan(0);

    expect(share((r) => r['log-status'] === 'NODATA')).toBeGreaterThan(0.02);
    expect(share((r) => r['log-status'] === 'SKIPDATA')).toBeGreaterThan(0.005);
    const noData = rows.filter((x) => x.record['log-status'] !== 'OK').map((x) => x.record);
    expect(noData.every((r) => ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action'].every((f) => r[f] === '-'))).toBe(true);
    expect(share((r) => r.action === 'REJECT' && r.protocol === '6')).toBeGreaterThan(0.08);
    expect(share((r) => r.protocol === '1')).toBeGreaterThan(0.005);
    expect(share((r) => r.protocol === '58' && r.srcaddr.includes(':'))).toBeGreaterThan(0.002);
    expect(share((r) => r.type === 'IPv6' && r.protocol === '6')).toBeGreaterThan(0.01);
    expect(share((r) => r.protocol === '17')).toBeGreaterThan(0.03);

    // Heavy-tailed: the top 1% of source/destination pairs carry over a third of the bytes.
    const bytes = new Map<string, number>();
    for (const { record: r } of rows)
      if (r.bytes !== '-') bytes.set(`${r.srcaddr} ${r.dstaddr}`, (bytes.get(`${r.srcaddr} ${r.dstaddr}`) ?? 0) + Number(r.bytes));
    const sorted = [...bytes.values()].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    expect(sorted.slice(0, Math.ceil(sorted.length / 100)).reduce((a, b) => a + b, 0) / total).toBeGreaterThan(0.33);
  });

  it('refuses a file span that would straddle two partitions', async () => {
    await expect(writeSample({ out: join(tmp(), 'bad'), fileMinutes: 45, perHour: true, until: UNTIL })).rejects.toThrow(
      'file minutes must divide 60 (the minutes of one partition), not 45',
    );
    await expect(writeSample({ out: join(tmp(), 'bad'), until: UNTIL + 5 })).rejects.toThrow('until must be a UTC midnight');
  });
});
