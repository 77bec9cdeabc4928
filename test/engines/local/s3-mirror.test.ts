import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { cli } from '../../support/cli-in-process.js';
import { DEFAULT_QUERY_SETTINGS } from '../../../src/config.js';
import { cachePathOf, DownloadLimitExceeded, mirrorS3 } from '../../../src/engines/local/s3-mirror.js';
import { parseObjectKey } from '../../../src/flowlog/layout.js';
import { writeSample } from '../../../src/sample/generate.js';
import { runCli } from '../../support/cli-process.js';
import { useTempDir } from '../../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const BUCKET = 'flow-logs-bucket';
const LOCATION = `s3://${BUCKET}/vpc/`;
const RANGE = ['--start', '2026-10-30T00:00:00Z', '--end', '2026-10-31T00:00:00Z'];
// Written out by hand rather than derived: the day of the range, and the next day, whose first file holds the late-filed flows.
const RANGE_DAYS = ['2026/10/30', '2026/10/31'];

const tmp = useTempDir('flowq-s3-');
const local = () => join(tmp(), 'local');
let server: S3rver;
let client: S3Client;
let cacheCount = 0;

/** Every HTTP request s3rver answers, as `METHOD path?query`. */
const requests: string[] = [];
/** A hook on each request, to break a response on purpose. */
let intercept: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The local copy's flow-log files, as `AWSLogs/...` keys. */
function localKeys(): string[] {
  return filesUnder(join(local(), 'AWSLogs'))
    .map((p) => relative(local(), p).split(sep).join('/'))
    .sort();
}

/** The keys whose day folder is one of `days`, read from the key with a pattern of its own. */
function keysOfDays(days: readonly string[]): string[] {
  return localKeys().filter((k) => days.includes(/\/vpcflowlogs\/[^/]+\/(\d{4}\/\d{2}\/\d{2})\//.exec(k)![1]));
}

function objectGets(): string[] {
  return requests
    .filter((r) => r.startsWith('GET ') && !r.includes('list-type=2'))
    .map((r) => decodeURIComponent(r.slice(`GET /${BUCKET}/vpc/`.length).split('?')[0]))
    .sort();
}

function listings(): string[] {
  return requests.filter((r) => r.startsWith('GET ') && r.includes('list-type=2'));
}

async function put(key: string, body: Buffer): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `vpc/${key}`, Body: body }));
}

/** The rows of a `--output json` document. */
function rowsOf(out: string): unknown[] {
  return (JSON.parse(out) as { rows: unknown[] }).rows;
}

/** A fresh, empty cache for the next runs. */
function freshCache(): string {
  const dir = join(tmp(), `cache-${++cacheCount}`);
  process.env.FLOWQ_CACHE_DIR = dir;
  return dir;
}

function mirrorOf(cache: string): string {
  return join(cache, 's3', BUCKET, 'vpc');
}

/** What the mirror keeps of an object held only as its Parquet copy: the verified file's size, and the copy's path. */
function standInOf(cache: string, key: string): { stamp: { size: number }; copy: string } {
  return JSON.parse(readFileSync(join(mirrorOf(cache), `${key}.copied.json`), 'utf8')) as { stamp: { size: number }; copy: string };
}

beforeAll(async () => {
  await writeSample({ out: local(), days: 3, records: 6000, seed: 5, until: UNTIL });
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(tmp(), 's3rver'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  server.httpServer.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    intercept?.(req, res);
  });
  // The code under test gets s3rver the way a user would point the SDK at an endpoint: no test switches.
  process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
  // s3rver knows one key pair.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  client = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1' });
  for (const key of localKeys()) await put(key, readFileSync(join(local(), key)));
  // Something that is not a flow log, beside the logs: never fetched.
  await put('AWSLogs/README.txt', Buffer.from('not a flow log'));
  // s3rver 3.7.1 answers a delimiter listing only from objects one level below the prefix (its walk
  // skips deeper folders), where S3 answers from every key. An empty object in each account and
  // region folder gives the same CommonPrefixes S3 would.
  for (const pair of pairs().pairs) {
    const [account, , region] = pair.split('/');
    await put(`AWSLogs/${account}/.keep`, Buffer.alloc(0));
    await put(`AWSLogs/${account}/vpcflowlogs/${region}/.keep`, Buffer.alloc(0));
  }
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  delete process.env.AWS_ENDPOINT_URL_S3;
});

beforeEach(() => {
  requests.length = 0;
  intercept = undefined;
});

/** The flow logs' account and region pairs, and accounts, from the local copy's folders. */
function pairs(): { accounts: string[]; pairs: string[] } {
  const found = new Set(localKeys().map((k) => k.split('/').slice(1, 4).join('/')));
  return { pairs: [...found], accounts: [...new Set([...found].map((p) => p.split('/')[0]))] };
}

describe('flowq run --data s3://...', () => {
  let cache = '';
  beforeAll(() => {
    cache = freshCache();
  });

  it('returns the rows of the local copy, listing and fetching only the partitions of the range', async () => {
    process.env.FLOWQ_CACHE_DIR = cache;
    const fromS3 = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');

    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    expect(rowsOf(fromS3.out)).toHaveLength(10);
    const wanted = keysOfDays(RANGE_DAYS);
    expect(wanted.length).toBeLessThan(localKeys().length);
    expect(objectGets()).toEqual(wanted);
    // One listing of AWSLogs/, one of each account's regions, one per account, region and day of the range.
    const { accounts, pairs: accountRegions } = pairs();
    expect(listings()).toHaveLength(1 + accounts.length + accountRegions.length * RANGE_DAYS.length);
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
    // The mirror holds the fetched objects in one form, their Parquet copies: each one's stand-in beside its ETag sidecar, and nothing partial.
    const mirrored = filesUnder(mirrorOf(cache))
      .map((p) => relative(mirrorOf(cache), p).split(sep).join('/'))
      .sort();
    expect(mirrored).toEqual(wanted.flatMap((k) => [`${k}.copied.json`, `${k}.s3.json`]).sort());
    for (const key of wanted) {
      const { stamp, copy } = standInOf(cache, key);
      expect({ size: stamp.size, copied: existsSync(copy) }).toEqual({ size: statSync(join(local(), key)).size, copied: true });
    }
    const bytes = wanted.reduce((sum, k) => sum + statSync(join(local(), k)).size, 0);
    const size = `${(bytes / 1000).toFixed(1)} kB`;
    expect(fromS3.err.split('\n')[0]).toBe(`s3: ${LOCATION}: ${wanted.length} objects (${size}) in the range, 0 cached, fetching ${wanted.length} (${size})`);
    expect(
      fromS3.err
        .split('\n')
        .filter((line) => line.startsWith('s3: fetched'))
        .at(-1),
    ).toBe(`s3: fetched ${wanted.length}/${wanted.length} objects, ${size}/${size}`);
  });

  it('fetches the baseline days too for a template that compares the range with them, and answers as the local copy', async () => {
    freshCache();
    const question = ['new-destinations', ...RANGE, '--baseline-days', '1', '--limit', '1000', '--output', 'json'];
    const fromS3 = await cli('run', '--data', LOCATION, ...question);
    const fromLocal = await cli('run', '--data', local(), ...question);

    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    expect(rowsOf(fromS3.out).length).toBeGreaterThan(0);
    // The day before the range (the 1-day baseline), the range's day and the next (the late margin).
    expect(objectGets()).toEqual(keysOfDays(['2026/10/29', ...RANGE_DAYS]));
    process.env.FLOWQ_CACHE_DIR = cache;
  });

  it('fetches nothing on the second run over the same days, and answers the same', async () => {
    process.env.FLOWQ_CACHE_DIR = cache;
    const first = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');
    requests.length = 0;
    const again = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');

    expect(again.code).toBe(0);
    expect(rowsOf(again.out)).toEqual(rowsOf(first.out));
    expect(objectGets()).toEqual([]);
    expect(again.err).toContain(`${keysOfDays(RANGE_DAYS).length} cached\n`);
  });

  it('fetches again an object whose ETag changed, and nothing else', async () => {
    process.env.FLOWQ_CACHE_DIR = cache;
    // Arrange: drop the last records of one file of the range, in the bucket and in the local copy alike.
    const changed = keysOfDays(['2026/10/30'])[5];
    const lines = gunzipSync(readFileSync(join(local(), changed)))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    const body = gzipSync(`${lines.slice(0, Math.ceil(lines.length / 2)).join('\n')}\n`);
    const copy = join(tmp(), 'local-changed');
    cpSync(local(), copy, { recursive: true });
    writeFileSync(join(copy, changed), body);
    await put(changed, body);
    requests.length = 0;

    // Act
    const fromS3 = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--limit', '50');
    const fromCopy = await cli('run', 'top-talkers', '--data', copy, ...RANGE, '--output', 'json', '--limit', '50');

    // Assert
    expect(objectGets()).toEqual([changed]);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromCopy.out));
    expect(standInOf(cache, changed).stamp.size).toBe(body.length);
    // Put the original back for the tests that follow.
    await put(changed, readFileSync(join(local(), changed)));
  });

  it('drops a cached object that the bucket no longer holds, and answers as the bucket does', async () => {
    process.env.FLOWQ_CACHE_DIR = cache;
    // Arrange: one file of the range deleted from the bucket and from a copy of the local data.
    const deleted = keysOfDays(['2026/10/30'])[9];
    expect((await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE)).code).toBe(0);
    expect(existsSync(join(mirrorOf(cache), `${deleted}.copied.json`))).toBe(true);
    const copy = join(tmp(), 'local-deleted');
    cpSync(local(), copy, { recursive: true });
    rmSync(join(copy, deleted));
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `vpc/${deleted}` }));
    requests.length = 0;

    // Act
    const fromS3 = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--limit', '50');
    const fromCopy = await cli('run', 'top-talkers', '--data', copy, ...RANGE, '--output', 'json', '--limit', '50');

    // Assert
    expect(fromS3.code).toBe(0);
    expect(objectGets()).toEqual([]);
    expect(filesUnder(mirrorOf(cache)).filter((p) => p.includes(deleted))).toEqual([]);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromCopy.out));
    await put(deleted, readFileSync(join(local(), deleted)));
  });

  it('lists no folders when --accounts and --regions are given', async () => {
    process.env.FLOWQ_CACHE_DIR = cache;
    const { accounts, pairs: accountRegions } = pairs();
    const regions = [...new Set(accountRegions.map((p) => p.split('/')[2]))];
    const { code } = await cli(
      'run',
      'top-talkers',
      '--data',
      LOCATION,
      ...RANGE,
      '--hive=false',
      '--accounts',
      accounts.join(','),
      '--regions',
      regions.join(','),
    );
    expect(code).toBe(0);
    expect(listings()).toHaveLength(accounts.length * regions.length * RANGE_DAYS.length);
    const listedPrefixes = listings().map((r) => new URLSearchParams(r.split('?')[1]).get('prefix'));
    expect(listedPrefixes.every((p) => /^vpc\/AWSLogs\/\d{12}\/vpcflowlogs\/[a-z0-9-]+\/2026\/10\/3[01]\/$/.test(p ?? ''))).toBe(true);
  });
});

describe('the Parquet cache of S3 data (on by default)', () => {
  const copiesIn = (cache: string): string[] =>
    filesUnder(join(cache, 'parquet'))
      .filter((p) => p.endsWith('.parquet'))
      .sort();
  const bytesOf = (out: string) => (JSON.parse(out) as { rows: Array<{ bytes: number }> }).rows.map((r) => r.bytes);

  it('keeps a Parquet copy of each fetched object, and a second question over the same days reads the copies and fetches nothing', async () => {
    // Arrange: a first question fills an empty cache.
    const cache = freshCache();
    const first = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--limit', '50');
    const fetched = objectGets();
    const copies = copiesIn(cache);
    // Every copy multiplied by 1,000 behind flowq's back: an answer read from the copies shows it.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const copy of copies) {
      await connection.run(`COPY (SELECT * REPLACE (bytes * 1000 AS bytes) FROM read_parquet('${copy}')) TO '${copy}.new' (FORMAT parquet)`);
      renameSync(`${copy}.new`, copy);
    }
    connection.closeSync();
    instance.closeSync();
    requests.length = 0;

    // Act
    const second = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--limit', '50');

    // Assert
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json', '--limit', '50');
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(rowsOf(first.out)).toEqual(rowsOf(fromLocal.out));
    expect(fetched).toEqual(keysOfDays(RANGE_DAYS));
    expect(copies).toHaveLength(fetched.length);
    // One form: no gzip object is kept beside its copy.
    expect(filesUnder(mirrorOf(cache)).filter((p) => p.endsWith('.log.gz'))).toEqual([]);
    expect(bytesOf(second.out)).toEqual(bytesOf(first.out).map((b) => b * 1000));
    expect(objectGets()).toEqual([]);
  });

  it('fetches an object again when its Parquet copy is gone, and answers as the local copy', async () => {
    // Arrange: a first question keeps only the copies; one copy is then deleted by hand.
    const cache = freshCache();
    await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');
    const [gone] = copiesIn(cache);
    rmSync(gone);
    const key = /\/(AWSLogs\/.+\.log\.gz)\.[0-9a-f]{16}-[0-9a-f]{8}\.parquet$/.exec(gone)![1];
    requests.length = 0;

    // Act
    const again = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');

    // Assert
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');
    expect(again.code).toBe(0);
    expect(rowsOf(again.out)).toEqual(rowsOf(fromLocal.out));
    expect(objectGets()).toEqual([key]);
    expect(copiesIn(cache)).toHaveLength(keysOfDays(RANGE_DAYS).length);
  });

  it('fetches the gzip objects again for --no-parquet-cache once only their copies are kept, and answers as the local copy', async () => {
    // Arrange: a first question keeps only the copies.
    const cache = freshCache();
    await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');
    requests.length = 0;

    // Act
    const gzipOnly = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--no-parquet-cache');

    // Assert
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');
    expect(gzipOnly.code).toBe(0);
    expect(rowsOf(gzipOnly.out)).toEqual(rowsOf(fromLocal.out));
    expect(objectGets()).toEqual(keysOfDays(RANGE_DAYS));
    const gzipKept = filesUnder(mirrorOf(cache))
      .filter((p) => p.endsWith('.log.gz'))
      .map((p) => relative(mirrorOf(cache), p).split(sep).join('/'))
      .sort();
    expect(gzipKept).toEqual(keysOfDays(RANGE_DAYS));
  });

  it('is off with --no-parquet-cache (or FLOWQ_PARQUET_CACHE=false), and the answer is the same', async () => {
    const cache = freshCache();
    const flagged = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json', '--no-parquet-cache');
    process.env.FLOWQ_PARQUET_CACHE = 'false';
    const fromEnv = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json').finally(() => delete process.env.FLOWQ_PARQUET_CACHE);
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');

    expect([flagged.code, fromEnv.code, rowsOf(flagged.out), rowsOf(fromEnv.out)]).toEqual([0, 0, rowsOf(fromLocal.out), rowsOf(fromLocal.out)]);
    expect(copiesIn(cache)).toEqual([]);
  });
});

describe('the Hive-compatible hourly layout', () => {
  /** The same kind of data in the other layout, under another prefix of the bucket. */
  async function putHiveHourly(): Promise<{ hive: string; keys: string[]; folders: Set<string> }> {
    const hive = join(tmp(), 'hive');
    await writeSample({ out: hive, days: 2, records: 3000, seed: 7, until: UNTIL, hive: true, perHour: true });
    const keys = filesUnder(join(hive, 'AWSLogs')).map((p) => relative(hive, p).split(sep).join('/'));
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `hive/${key}`, Body: readFileSync(join(hive, key)) }));
    const folders = new Set(keys.map((k) => k.split('/').slice(0, 4).join('/')));
    for (const folder of folders) {
      const [, account, , region] = folder.split('/');
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `hive/AWSLogs/${account}/.keep`, Body: Buffer.alloc(0) }));
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `hive/AWSLogs/${account}/aws-service=vpcflowlogs/${region}/.keep`, Body: Buffer.alloc(0) }),
      );
    }
    freshCache();
    requests.length = 0;
    return { hive, keys, folders };
  }

  /** The keys fetched from the hive prefix, sorted. */
  function hiveGets(): string[] {
    return requests
      .filter((r) => r.startsWith('GET ') && !r.includes('list-type=2'))
      .map((r) => decodeURIComponent(r.slice(`GET /${BUCKET}/hive/`.length).split('?')[0]))
      .sort();
  }

  it('is detected from the folder names, and only the hours of the range are fetched', async () => {
    // Arrange
    const { hive, keys, folders } = await putHiveHourly();
    const range = ['--start', '2026-10-31T06:00:00Z', '--end', '2026-10-31T09:00:00Z'];

    // Act
    const fromS3 = await cli('run', 'top-talkers', '--data', `s3://${BUCKET}/hive/`, ...range, '--output', 'json');
    const fromLocal = await cli('run', 'top-talkers', '--data', hive, ...range, '--output', 'json');

    // Assert: hours 06 to 09 (09:00 to 09:10 holds late-filed flows), fetched and listed alone.
    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    const hours = ['06', '07', '08', '09'].map((h) => `/year=2026/month=10/day=31/hour=${h}/`);
    const wanted = keys.filter((k) => hours.some((h) => k.includes(h))).sort();
    expect(wanted.length).toBeGreaterThan(0);
    expect(hiveGets()).toEqual(wanted);
    // AWSLogs/, each account's regions, and per flow log the day's hour folders (one level) and the 4 hours.
    expect(listings()).toHaveLength(1 + new Set([...folders].map((f) => f.split('/')[1])).size + folders.size * (1 + hours.length));
    const listedHours = listings()
      .filter((r) => r.includes('hour%3D'))
      .map((r) => /hour%3D(\d{2})/.exec(r)![1]);
    expect(new Set(listedHours)).toEqual(new Set(['06', '07', '08', '09']));
  });

  it("fetches the hours --late-margin reads, not the default margin's", async () => {
    // Arrange
    const { hive, keys } = await putHiveHourly();
    const range = ['--start', '2026-10-31T06:00:00Z', '--end', '2026-10-31T09:00:00Z', '--late-margin', '0'];

    // Act
    const fromS3 = await cli('run', 'top-talkers', '--data', `s3://${BUCKET}/hive/`, ...range, '--output', 'json');
    const fromLocal = await cli('run', 'top-talkers', '--data', hive, ...range, '--output', 'json');

    // Assert: no margin, so hour 09 (which the default 10 minutes would read) is neither read nor fetched.
    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    const hours = ['06', '07', '08'].map((h) => `/year=2026/month=10/day=31/hour=${h}/`);
    expect(hiveGets()).toEqual(keys.filter((k) => hours.some((h) => k.includes(h))).sort());
  });
});

describe('a failed download', () => {
  it('leaves no partial file in the cache, names the bucket and key, and the next run fetches only what is missing', async () => {
    // Arrange: s3rver sends half of one object's body, then drops the connection.
    const cache = freshCache();
    const wanted = keysOfDays(RANGE_DAYS);
    const broken = wanted[7];
    intercept = (req, res) => {
      if (req.method !== 'GET' || !decodeURIComponent((req.url ?? '').split('?')[0]).endsWith(broken)) return;
      const write = res.write.bind(res) as (chunk: Buffer) => boolean;
      res.write = ((chunk: Buffer) => {
        write(chunk.subarray(0, Math.floor(chunk.length / 2)));
        res.socket?.destroy();
        return false;
      }) as typeof res.write;
    };

    // Act
    const failed = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE);

    // Assert: one line naming the bucket and key; every file left is whole.
    expect(failed.code).toBe(1);
    expect(failed.out).toBe('');
    const errorLine = failed.err.split('\n').filter((l) => l.startsWith('flowq:'));
    expect(errorLine).toHaveLength(1);
    expect(errorLine[0]).toContain(`flowq: S3: s3://${BUCKET}/vpc/${broken}: `);
    const left = filesUnder(mirrorOf(cache));
    expect(left.filter((p) => p.endsWith('.part'))).toEqual([]);
    expect(existsSync(join(mirrorOf(cache), broken))).toBe(false);
    const whole = left.filter((p) => !p.endsWith('.s3.json'));
    for (const path of whole) expect(readFileSync(path)).toEqual(readFileSync(join(local(), relative(mirrorOf(cache), path))));
    for (const path of left.filter((p) => p.endsWith('.s3.json'))) expect(whole).toContain(path.slice(0, -'.s3.json'.length));

    // Act again: the connection holds now.
    intercept = undefined;
    requests.length = 0;
    const resumed = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--output', 'json');
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');

    expect(resumed.code).toBe(0);
    expect(rowsOf(resumed.out)).toEqual(rowsOf(fromLocal.out));
    const fetchedBefore = whole.map((p) => relative(mirrorOf(cache), p).split(sep).join('/'));
    expect(objectGets()).toEqual(wanted.filter((k) => !fetchedBefore.includes(k)));
    expect(objectGets()).toContain(broken);
  });
});

describe('--max-download', () => {
  it('stops before fetching anything and says how much the range needs', async () => {
    const cache = freshCache();
    const wanted = keysOfDays(RANGE_DAYS);
    const bytes = wanted.reduce((sum, k) => sum + statSync(join(local(), k)).size, 0);

    const { code, out, err } = await cli('run', 'top-talkers', '--data', LOCATION, ...RANGE, '--max-download', '10kB');

    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toBe(
      `flowq: --max-download: the range needs ${(bytes / 1000).toFixed(1)} kB in ${wanted.length} objects from ${LOCATION} (0 B already cached), more than the 10.0 kB allowed: narrow the range or raise --max-download\n`,
    );
    expect(objectGets()).toEqual([]);
    expect(filesUnder(mirrorOf(cache))).toEqual([]);
  });

  it('is the limit of the mirror, which says what the range needs without naming a flag', async () => {
    const cache = freshCache();
    const wanted = keysOfDays(RANGE_DAYS);
    const bytes = wanted.reduce((sum, k) => sum + statSync(join(local(), k)).size, 0);
    const range = { start: Date.UTC(2026, 9, 30) / 1000, end: Date.UTC(2026, 9, 31) / 1000 };

    const mirroring = mirrorS3({ location: LOCATION, range, lateMarginSeconds: DEFAULT_QUERY_SETTINGS.lateMarginSeconds, maxDownloadBytes: 10_000 });

    await expect(mirroring).rejects.toThrow(DownloadLimitExceeded);
    await expect(mirroring).rejects.toMatchObject({
      neededBytes: bytes,
      limitBytes: 10_000,
      details: [
        {
          param: 'maxDownloadBytes',
          message: `the range needs ${(bytes / 1000).toFixed(1)} kB in ${wanted.length} objects from ${LOCATION} (0 B already cached), more than the 10.0 kB allowed`,
        },
      ],
    });
    expect(filesUnder(mirrorOf(cache))).toEqual([]);
  });
});

describe('S3 errors', () => {
  it('are one line naming the bucket and key', async () => {
    freshCache();
    const { code, err } = await cli('run', 'top-talkers', '--data', 's3://no-such-bucket/logs/', ...RANGE);
    expect(code).toBe(1);
    expect(err).toMatch(/^flowq: S3: s3:\/\/no-such-bucket\/logs\/AWSLogs\/: NoSuchBucket: .+\n$/);
  });

  it('say so when the bucket holds nothing in the range', async () => {
    freshCache();
    const { code, err } = await cli('run', 'top-talkers', '--data', LOCATION, '--start', '2025-01-01', '--end', '2025-01-02');
    expect({ code, err }).toEqual({
      code: 1,
      err: `flowq: no flow-log objects under ${LOCATION}AWSLogs/ for 2025-01-01T00:00:00Z to 2025-01-02T00:00:00Z (6 partition prefixes listed)\n`,
    });
    expect(objectGets()).toEqual([]);
  });

  it('refuses a location that climbs out of the cache', async () => {
    const { code, err } = await cli('run', 'top-talkers', '--data', 's3://bucket/../../etc/', ...RANGE);
    expect({ code, err }).toEqual({ code: 2, err: "flowq: --data: 's3://bucket/../../etc/' is not an S3 location (s3://bucket/prefix/)\n" });
  });
});

describe('the bundled flowq, run as a process', () => {
  it('answers from the bucket as from the local copy, and fetches nothing the second time', async () => {
    const cache = join(tmp(), 'cache-process');
    const env = {
      FLOWQ_CACHE_DIR: cache,
      AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: undefined,
      AWS_PROFILE: undefined,
    };
    const argv = ['run', 'top-talkers', '--data', LOCATION, ...RANGE, '--region', 'eu-west-1', '--output', 'json'];

    const first = await runCli(argv, { env });
    const gets = objectGets();
    requests.length = 0;
    const second = await runCli(argv, { env });
    const fromLocal = await cli('run', 'top-talkers', '--data', local(), ...RANGE, '--output', 'json');

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(rowsOf(first.out)).toEqual(rowsOf(fromLocal.out));
    expect(rowsOf(second.out)).toEqual(rowsOf(fromLocal.out));
    expect(gets).toEqual(keysOfDays(RANGE_DAYS));
    expect(objectGets()).toEqual([]);
  });
});

describe('flowq report --data s3://...', () => {
  it('fetches only the partitions of the report day and writes what the local copy gives', async () => {
    const cache = freshCache();
    const fromS3 = join(tmp(), 'report-s3');
    const fromLocal = join(tmp(), 'report-local');

    const s3 = await cli('report', '--data', LOCATION, '--out', fromS3, '--date', '2026-10-30', '--templates', 'top-talkers,rejected-ports');
    const gets = objectGets();
    const here = await cli('report', '--data', local(), '--out', fromLocal, '--date', '2026-10-30', '--templates', 'top-talkers,rejected-ports');

    expect([s3.code, here.code]).toEqual([0, 0]);
    expect(gets).toEqual(keysOfDays(RANGE_DAYS));
    for (const name of ['top-talkers', 'rejected-ports']) {
      const rows = (dir: string) => (JSON.parse(readFileSync(join(dir, '2026', '10', '30', `${name}.json`), 'utf8')) as { rows: unknown[] }).rows;
      expect(rows(fromS3)).toEqual(rows(fromLocal));
      expect(readFileSync(join(fromS3, '2026', '10', '30', `${name}.csv`), 'utf8')).toBe(
        readFileSync(join(fromLocal, '2026', '10', '30', `${name}.csv`), 'utf8'),
      );
    }
    expect(existsSync(mirrorOf(cache))).toBe(true);
  });
});

describe('flowq sql --data s3://...', () => {
  it('fetches only the partitions of --start/--end and answers as over the local copy', async () => {
    const cache = freshCache();
    const statement = 'SELECT aws_account, aws_region, dt, count(*) AS records, CAST(sum(bytes) AS BIGINT) AS bytes FROM flow_logs GROUP BY ALL ORDER BY ALL';

    const fromS3 = await cli('sql', statement, '--data', LOCATION, ...RANGE, '--output', 'json');
    const fromLocal = await cli('sql', statement, '--data', local(), ...RANGE, '--output', 'json');

    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    expect(objectGets()).toEqual(keysOfDays(RANGE_DAYS));
    expect(new Set((rowsOf(fromS3.out) as Array<{ dt: string }>).map((r) => r.dt))).toEqual(new Set(RANGE_DAYS));
    expect(filesUnder(mirrorOf(cache)).length).toBe(2 * keysOfDays(RANGE_DAYS).length);
  });

  it('refuses a statement that is not one query before listing or fetching anything', async () => {
    const cache = freshCache();
    const { code, err } = await cli('sql', 'CREATE TABLE copy AS SELECT * FROM flow_logs', '--data', LOCATION, ...RANGE);
    expect({ code, err }).toEqual({ code: 2, err: 'flowq: sql: only queries (SELECT ...) may run\n' });
    expect(requests).toEqual([]);
    expect(existsSync(cache)).toBe(false);
  });
});

describe('S3 edge cases', () => {
  /** Uploads a local data set under another prefix, with the `.keep` objects s3rver's listings need (see beforeAll). */
  async function upload(dir: string, prefix: string, rename: (key: string) => string = (key) => key): Promise<string[]> {
    const keys = filesUnder(join(dir, 'AWSLogs')).map((p) => relative(dir, p).split(sep).join('/'));
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${rename(key)}`, Body: readFileSync(join(dir, key)) }));
    for (const folder of new Set(keys.map((k) => k.split('/').slice(0, 4).join('/')))) {
      const [, account, , region] = folder.split('/');
      for (const keep of [`AWSLogs/${account}/.keep`, `AWSLogs/${account}/vpcflowlogs/${region}/.keep`]) {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/${keep}`, Body: Buffer.alloc(0) }));
      }
    }
    return keys.map(rename);
  }
  const DAY = ['--start', '2026-10-31T00:00:00Z', '--end', '2026-11-01T00:00:00Z'];

  it('names the cache file of a long key by a digest, still a flow-log file name of the same partition, time and format', () => {
    const folder = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/';
    const name = (id: string) => `123456789012_vpcflowlogs_us-east-1_${id}_20261127T0005Z_fe123456.log.gz`;
    const long = `${folder}${name(`fl-${'0123456789'.repeat(30)}`)}`;
    const other = `${folder}${name(`fl-${'0123456789'.repeat(29)}x123456789`)}`;

    const [path, otherPath] = [cachePathOf(long), cachePathOf(other)];

    // 300 characters of id: the key's name is far past the 255 bytes of a file name; the cache's is not.
    expect(Buffer.byteLength(long) - folder.length).toBeGreaterThan(255);
    expect(Buffer.byteLength(path.slice(folder.length))).toBeLessThanOrEqual(160);
    expect(path.startsWith(folder)).toBe(true);
    expect(path).not.toBe(otherPath);
    const { relativeKey: _a, ...parsedLong } = parseObjectKey(long)!;
    const { relativeKey: _b, ...parsedPath } = parseObjectKey(path)!;
    expect(parsedPath).toEqual(parsedLong);
    expect(cachePathOf(`${folder}${name('fl-0123456789abcdef0')}`)).toBe(`${folder}${name('fl-0123456789abcdef0')}`);
  });

  it('keeps an object with a long flow-log id under a short file name, and answers from it', async () => {
    const dir = join(tmp(), 'edge-long');
    await writeSample({ out: dir, days: 1, records: 300, until: UNTIL, flowLogs: 1 });
    // As long as s3rver can store (it adds 22 characters to each name); the digest test above covers 300.
    const longId = `fl-${'0123456789'.repeat(13)}`;
    const keys = await upload(dir, 'edge-long', (key) => key.replace(/_vpcflowlogs_us-east-1_[^_]+_/, `_vpcflowlogs_us-east-1_${longId}_`));
    expect(keys.every((k) => k.includes(longId))).toBe(true);
    const cache = freshCache();

    const fromS3 = await cli('run', 'top-talkers', '--data', `s3://${BUCKET}/edge-long/`, ...DAY, '--output', 'json');
    const fromLocal = await cli('run', 'top-talkers', '--data', dir, ...DAY, '--output', 'json');

    expect({ code: fromS3.code, err: fromS3.err.split('\n').filter((l) => l.startsWith('flowq:')) }).toEqual({ code: 0, err: [] });
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    const names = filesUnder(join(cache, 's3', BUCKET, 'edge-long')).map((p) => p.slice(p.lastIndexOf(sep) + 1));
    expect(names.length).toBeGreaterThan(0);
    expect(Math.max(...names.map((n) => Buffer.byteLength(n)))).toBeLessThanOrEqual(160 + '.s3.json'.length);
    expect(names.some((n) => n.includes(longId))).toBe(false);
  });

  it('stops reading a body longer than the listing says, refusing the object by name and keeping nothing of it', async () => {
    const dir = join(tmp(), 'edge-body');
    await writeSample({ out: dir, days: 1, records: 100, until: UNTIL, flowLogs: 1 });
    const keys = await upload(dir, 'edge-body');
    const victim = keys.find((k) => k.includes('/2026/10/31/'))!;
    const cache = freshCache();
    // s3rver answers the GET with the object, then 256 MB more, without a length, while the client reads.
    let extra = 0;
    intercept = (req, res) => {
      if (req.method !== 'GET' || !decodeURIComponent((req.url ?? '').split('?')[0]).endsWith(victim)) return;
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name: string, value: number | string | readonly string[]) => (name.toLowerCase() === 'content-length' ? res : setHeader(name, value));
      const write = res.write.bind(res) as (chunk: Buffer) => boolean;
      const end = res.end.bind(res) as () => void;
      res.end = ((chunk?: Buffer) => {
        if (chunk !== undefined && typeof chunk !== 'function') write(chunk);
        const block = Buffer.alloc(1 << 16, 0x61);
        void (async () => {
          while (extra < 256 * 2 ** 20 && !res.destroyed && !res.socket?.destroyed) {
            extra += block.length;
            if (!write(block)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
          }
          end();
        })();
        return res;
      }) as typeof res.end;
    };

    const result = await cli('run', 'top-talkers', '--data', `s3://${BUCKET}/edge-body/`, ...DAY);

    expect(result.code).toBe(1);
    expect(result.err.split('\n').filter((l) => l.startsWith('flowq:'))).toEqual([
      `flowq: S3: s3://${BUCKET}/edge-body/${victim}: the body is longer than the ${statSync(join(dir, victim)).size} bytes the listing says`,
    ]);
    expect(extra).toBeLessThan(16 * 2 ** 20);
    expect(filesUnder(join(cache, 's3', BUCKET, 'edge-body')).filter((p) => p.includes(victim.split('/').at(-1)!))).toEqual([]);
  });

  it('skips an hour folder past 23 with a note: it is no partition, and nothing in it is fetched', async () => {
    const dir = join(tmp(), 'edge-hour');
    await writeSample({ out: dir, days: 1, records: 300, until: UNTIL, flowLogs: 1, perHour: true });
    const keys = await upload(dir, 'edge-hour');
    const impossible = keys.find((k) => k.includes('/2026/10/31/03/'))!.replace('/2026/10/31/03/', '/2026/10/31/27/');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `edge-hour/${impossible}`, Body: readFileSync(join(dir, keys[0])) }));
    freshCache();

    const fromS3 = await cli('run', 'top-talkers', '--data', `s3://${BUCKET}/edge-hour/`, ...DAY, '--output', 'json');
    const gets = requests.filter((r) => r.startsWith('GET ') && !r.includes('list-type=2')).map((r) => decodeURIComponent(r.split('?')[0]));
    const fromLocal = await cli('run', 'top-talkers', '--data', dir, ...DAY, '--output', 'json');

    expect(fromS3.code).toBe(0);
    expect(rowsOf(fromS3.out)).toEqual(rowsOf(fromLocal.out));
    expect(gets.filter((g) => g.includes('/27/'))).toEqual([]);
    expect(fromS3.err.split('\n').filter((l) => l.startsWith('flowq:'))).toEqual([
      `flowq: note: skipped a folder whose date or hour is impossible, so no partition: ${impossible.slice(0, impossible.lastIndexOf('/') + 1)}`,
    ]);
  });
});
