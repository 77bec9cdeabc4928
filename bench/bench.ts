/**
 * `npm run bench`: top-talkers over 10 million default-format records (gzip text, 100 files, 5 days)
 * on the local engine, next to baselines measured in the same run — decompression alone (zcat, two
 * processes in parallel, to /dev/null: the floor), a plain Node streaming parser (zlib + line split +
 * Map), and raw DuckDB (the same query over a typed `read_csv`, which is fast but not Athena's
 * semantics); the Parquet cache, as its copies are made and once they are there; the same question
 * straight from S3 (s3rver on 127.0.0.1), with an empty cache and then again; and a busy day of many
 * small files (2,304 of about 450 bytes). Prints ratios against the floor measured in the same run:
 * this machine is shared and noisy.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import S3rver from 's3rver';
import { scanLocation } from '../src/engines/local/scan.js';
import { DEFAULT_LOG_FORMAT } from '../src/flowlog/format.js';
import { sqlStringLiteral } from '../src/sql.js';
import { formatTime } from '../src/time.js';
import { humanBytes } from '../src/format/units.js';
import { writeSample } from '../src/sample/generate.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000_000);
const DAYS = 5;
const DIR = resolve(process.env.BENCH_DIR ?? `.flowq/bench-${RECORDS}`);
const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RSS_HOOK = resolve('bench/max-rss.mjs');
// The engine's cache of verified gzip files, kept apart so the first (cold) run really verifies.
const CACHE_DIR = join(DIR, '.verified-cache');

interface Measured {
  readonly ms: number;
  /** CPU time (user + system, all threads): less sensitive than wall time to other work on the machine. */
  readonly cpuMs?: number;
  readonly maxRssBytes?: number;
  readonly stdout: string;
}

/** Wall and CPU time of an in-process task. */
async function inProcess(fn: () => Promise<string>): Promise<Measured> {
  const [t, cpu] = [performance.now(), process.cpuUsage()];
  const stdout = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, stdout };
}

function run(command: string, args: string[], stdoutTo?: 'ignore', env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdoutTo ?? 'pipe', 'pipe'], env: { ...process.env, FLOWQ_CACHE_DIR: CACHE_DIR, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} ${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.trim()}`));
      const rss = /^max-rss (\d+)$/m.exec(stderr);
      const cpu = /^cpu-us (\d+)$/m.exec(stderr) ?? /^cpu-s ([\d.]+) ([\d.]+)$/m.exec(stderr);
      const cpuMs = cpu === null ? undefined : cpu[2] === undefined ? Number(cpu[1]) / 1000 : (Number(cpu[1]) + Number(cpu[2])) * 1000;
      resolvePromise({ ms, stdout, cpuMs, maxRssBytes: rss ? Number(rss[1]) : undefined });
    });
  });
}

/** The fastest of ROUNDS runs, with the least CPU time any of them used. */
async function best(label: string, fn: () => Promise<Measured>): Promise<Measured> {
  let fastest: Measured | undefined;
  let cpuMs = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const m = await fn();
    if (!fastest || m.ms < fastest.ms) fastest = m;
    cpuMs = Math.min(cpuMs, m.cpuMs ?? NaN);
  }
  process.stderr.write(`  ${label.padEnd(38)} ${(fastest!.ms / 1000).toFixed(2)} s, ${(cpuMs / 1000).toFixed(2)} s CPU (best of ${ROUNDS})\n`);
  return { ...fastest!, cpuMs };
}

async function ensureData(): Promise<void> {
  const marker = join(DIR, 'flowq-sample.json');
  if (existsSync(marker)) return;
  await rm(DIR, { recursive: true, force: true });
  process.stderr.write(`generating ${RECORDS.toLocaleString('en-US')} records in ${DIR} (once)\n`);
  const summary = await writeSample({
    out: DIR,
    days: DAYS,
    records: RECORDS,
    until: UNTIL,
    seed: 7,
    flowLogs: 1,
    fileMinutes: (DAYS * 1440) / 100,
    lateTail: false,
    onProgress: (done, total) => done % 10 === 0 && process.stderr.write(`  ${done}/${total} files\n`),
  });
  await writeFile(marker, JSON.stringify(summary));
}

const SMALL_DIR = resolve(process.env.BENCH_SMALL_DIR ?? '.flowq/bench-small-files');

/**
 * A busy day as AWS writes it: a file per flow log every 5 minutes, 8 flow logs in 3 account-region
 * pairs, about 8 records (450 bytes of gzip) a file.
 */
async function ensureSmallFiles(): Promise<void> {
  const marker = join(SMALL_DIR, 'flowq-sample.json');
  if (existsSync(marker)) return;
  await rm(SMALL_DIR, { recursive: true, force: true });
  const parts = [];
  for (const [seed, flowLogs] of [
    [11, 3],
    [12, 3],
    [13, 2],
  ]) {
    parts.push(await writeSample({ out: SMALL_DIR, days: 1, records: 8 * 288 * flowLogs, until: UNTIL, seed, flowLogs, fileMinutes: 5, lateTail: false }));
  }
  await writeFile(marker, JSON.stringify(parts));
}

const BUCKET = 'flowq-bench';

/** s3rver on 127.0.0.1 holding the bench's files under `s3://flowq-bench/vpc/`, and the environment that points the SDK at it. */
async function startS3(files: readonly string[]): Promise<{ env: NodeJS.ProcessEnv; close: () => Promise<void> }> {
  const directory = join(DIR, '.s3rver');
  await rm(directory, { recursive: true, force: true });
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const keys = files.map((file) => relative(DIR, file));
  // s3rver answers a delimiter listing only from objects one level below the prefix (S3 answers from
  // every key below): an empty object in each account and region folder gives what S3 would.
  const folders = new Set(keys.flatMap((key) => [key.split('/').slice(0, 2).join('/'), key.split('/').slice(0, 4).join('/')]));
  for (const folder of folders) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `vpc/${folder}/.keep`, Body: Buffer.alloc(0) }));
  for (const key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `vpc/${key}`, Body: await readFile(join(DIR, key)) }));
  client.destroy();
  return {
    env: { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_PROFILE: undefined },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The baseline parser: what a careful person would write in plain Node for top talkers. */
async function nodeParserTopTalkers(files: string[], start: number, end: number): Promise<Array<[string, number]>> {
  const totals = new Map<string, number>();
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
    let header = true;
    for await (const line of lines) {
      if (header) {
        header = false;
        continue;
      }
      const f = line.split(' ');
      const t = Number(f[10]);
      if (f[13] !== 'OK' || !(t >= start && t < end) || f[9] === '-') continue;
      const key = `${f[3]} ${f[4]}`;
      totals.set(key, (totals.get(key) ?? 0) + Number(f[9]));
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
}

/** DuckDB's own read of the files with the default format's columns: typed, every number a BIGINT and `-` NULL in every column; else all VARCHAR. */
function rawRead(files: string[], typed: boolean): string {
  const columns = DEFAULT_LOG_FORMAT.fields.map((f) => `'${f.column}': '${typed && f.athenaType !== 'string' ? 'BIGINT' : 'VARCHAR'}'`).join(', ');
  return `read_csv([${files.map((f) => sqlStringLiteral(f)).join(', ')}], delim = ' ', header = false, skip = 1, auto_detect = false,
    columns = {${columns}},${typed ? ` nullstr = ['-', '\\N'],` : ''} quote = '', escape = '', compression = 'gzip')`;
}

/** The rows of one statement, on a DuckDB of its own. */
async function duckdbRows(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('SET preserve_insertion_order = false');
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Raw DuckDB: top talkers over its typed read, no checks. */
async function rawDuckdbTopTalkers(files: string[], start: number, end: number): Promise<Array<[string, number]>> {
  const rows = await duckdbRows(`SELECT srcaddr || ' ' || dstaddr AS pair, sum(bytes)::BIGINT AS bytes FROM ${rawRead(files, true)}
    WHERE start >= ${start} AND start < ${end} AND bytes IS NOT NULL AND log_status = 'OK'
    GROUP BY ALL ORDER BY bytes DESC, pair LIMIT 10`);
  return rows.map((r) => [`${r[0] as string}`, Number(r[1])]);
}

/** DuckDB's read alone: every gzip file inflated and split into fields, and nothing else (no casts, no query work). */
async function rawDuckdbReadOnly(files: string[]): Promise<string> {
  const [[count]] = (await duckdbRows(`SELECT count(*) FROM ${rawRead(files, false)}`)) as [[bigint]];
  return count.toString();
}

const ratio = (a: number | undefined, b: number | undefined): string => ((a ?? NaN) / (b ?? NaN)).toFixed(2);

async function main(): Promise<void> {
  await ensureData();
  const tree = await scanLocation(DIR);
  const files = tree.files.map((f) => f.path);
  const totalBytes = tree.files.reduce((s, f) => s + f.size, 0);
  const start = UNTIL - DAYS * 86_400;
  process.stderr.write(`${files.length} files, ${humanBytes(totalBytes)} gzip, ${RECORDS.toLocaleString('en-US')} records\n`);

  const half = Math.ceil(files.length / 2);
  const zcat = await best('zcat, 2 processes, to /dev/null', async () => {
    const t = performance.now();
    // Under /usr/bin/time, which reports each zcat's CPU time.
    const halves = await Promise.all(
      [files.slice(0, half), files.slice(half)].map((part) => run('/usr/bin/time', ['-f', 'cpu-s %U %S', 'zcat', ...part], 'ignore')),
    );
    return { ms: performance.now() - t, cpuMs: halves.reduce((sum, h) => sum + (h.cpuMs ?? NaN), 0), stdout: '' };
  });
  const parser = await best('Node streaming parser', () => inProcess(async () => JSON.stringify(await nodeParserTopTalkers(files, start, UNTIL))));
  const raw = await best('raw DuckDB, typed read_csv', () => inProcess(async () => JSON.stringify(await rawDuckdbTopTalkers(files, start, UNTIL))));
  const readOnly = await best('raw DuckDB, read alone (count)', () => inProcess(() => rawDuckdbReadOnly(files)));
  const cliOver = (data: string, env: NodeJS.ProcessEnv, from: number, to: number, ...extra: string[]) =>
    run(
      process.execPath,
      [
        '--import',
        RSS_HOOK,
        'dist/flowq.js',
        'run',
        'top-talkers',
        '--data',
        data,
        '--start',
        formatTime(from),
        '--end',
        formatTime(to),
        '--output',
        'json',
        ...extra,
      ],
      undefined,
      env,
    );
  const cli = (from: number, to: number, ...extra: string[]) => cliOver(DIR, {}, from, to, ...extra);
  const cold = await best('flowq, first run (verifies gzip)', async () => {
    await rm(CACHE_DIR, { recursive: true, force: true });
    return cli(start, UNTIL);
  });
  const all = await best(`flowq top-talkers, ${DAYS} days`, () => cli(start, UNTIL));
  const oneDay = await best('flowq top-talkers, 1 day', () => cli(UNTIL - 86_400, UNTIL));
  // Making copies starts from an empty cache: every file is verified and copied in the one pass.
  const copying = await best('flowq --parquet-cache, making copies', async () => {
    await rm(CACHE_DIR, { recursive: true, force: true });
    return cli(start, UNTIL, '--parquet-cache');
  });
  const cached = await best('flowq --parquet-cache, from copies', () => cli(start, UNTIL, '--parquet-cache'));

  // Straight from S3: the Parquet cache is on by default there.
  const s3 = await startS3(files);
  const s3Cache = join(DIR, '.s3-cache');
  const fromS3 = (extra: NodeJS.ProcessEnv) => cliOver(`s3://${BUCKET}/vpc/`, { ...s3.env, FLOWQ_CACHE_DIR: s3Cache, ...extra }, start, UNTIL);
  let s3First: Measured;
  let s3Second: Measured;
  try {
    s3First = await best('flowq --data s3://, empty cache', async () => {
      await rm(s3Cache, { recursive: true, force: true });
      return fromS3({});
    });
    s3Second = await best('flowq --data s3://, same days again', () => fromS3({}));
  } finally {
    await s3.close();
  }

  await ensureSmallFiles();
  const small = await scanLocation(SMALL_DIR);
  const smallBytes = small.files.reduce((sum, f) => sum + f.size, 0);
  const smallDay = () => cliOver(SMALL_DIR, {}, UNTIL - 86_400, UNTIL);
  await smallDay(); // verifies the files: the figure is a warm run's
  const smallWarm = await best(`flowq, 1 day of ${small.files.length} small files`, smallDay);

  const doc = JSON.parse(all.stdout) as { rows: Array<{ srcaddr: string; dstaddr: string; bytes: number }>; stats: { bytesRead: number; filesRead: number } };
  const day = JSON.parse(oneDay.stdout) as { stats: { bytesRead: number; filesRead: number } };
  const expected = JSON.parse(parser.stdout) as Array<[string, number]>;
  const top = (m: Measured) => JSON.stringify((JSON.parse(m.stdout) as typeof doc).rows.map((r) => [`${r.srcaddr} ${r.dstaddr}`, r.bytes]));
  const same = [all, cold, copying, cached, s3First, s3Second].every((m) => top(m) === JSON.stringify(expected)) && raw.stdout === parser.stdout;
  const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '? ? ?')).split(' ').slice(0, 3).join(' ');

  const lines = [
    '',
    `top-talkers over ${RECORDS.toLocaleString('en-US')} records, ${files.length} gzip files (${humanBytes(totalBytes)}), ${DAYS} days; best of ${ROUNDS}, load ${load}`,
    `  parallel zcat floor             ${(zcat.ms / 1000).toFixed(2)} s`,
    `  flowq / zcat floor, warm        ${(all.ms / zcat.ms).toFixed(2)}x   (${(all.ms / raw.ms).toFixed(2)}x raw DuckDB's typed read and query)`,
    `  flowq / zcat floor, first run   ${(cold.ms / zcat.ms).toFixed(2)}x   (verifies every gzip file)`,
    `  making Parquet copies / floor   ${(copying.ms / zcat.ms).toFixed(2)}x   (target <= 2.80x; empty cache: verify, copy and answer in one pass)`,
    `  from Parquet copies / floor     ${(cached.ms / zcat.ms).toFixed(2)}x`,
    `  S3, first question / floor      ${(s3First.ms / zcat.ms).toFixed(2)}x   (s3rver on 127.0.0.1, empty cache: fetch, verify, copy, answer)`,
    `  S3, same days again / floor     ${(s3Second.ms / zcat.ms).toFixed(2)}x   (target <= 0.40x; reads the Parquet copies, fetches nothing)`,
    `  1 day of many small files       ${(smallWarm.ms / 1000).toFixed(2)} s   (target <= 1.00 s warm; ${small.files.length} files, ${humanBytes(smallBytes)}; node -e 0 in the bundles' table)`,
    `  raw DuckDB typed read / floor   ${(raw.ms / zcat.ms).toFixed(2)}x   (not Athena's semantics; in-process, no start-up)`,
    `  raw DuckDB read alone / floor   ${(readOnly.ms / zcat.ms).toFixed(2)}x   (inflate and split into fields, ${Number(readOnly.stdout).toLocaleString('en-US')} records: no casts, no query work)`,
    `  flowq / Node streaming parser   ${(all.ms / parser.ms).toFixed(2)}x   (parser ${(parser.ms / zcat.ms).toFixed(2)}x the floor)`,
    `  CPU time / zcat floor's CPU     warm ${ratio(all.cpuMs, zcat.cpuMs)}x, first run ${ratio(cold.cpuMs, zcat.cpuMs)}x, making copies ${ratio(copying.cpuMs, zcat.cpuMs)}x, from copies ${ratio(cached.cpuMs, zcat.cpuMs)}x, S3 again ${ratio(s3Second.cpuMs, zcat.cpuMs)}x, raw DuckDB ${ratio(raw.cpuMs, zcat.cpuMs)}x, read alone ${ratio(readOnly.cpuMs, zcat.cpuMs)}x   (less sensitive to other load)`,
    `  flowq peak memory               ${humanBytes(Math.max(...[all, cold, copying, cached, s3First, s3Second].map((m) => m.maxRssBytes ?? NaN)))}   (target < 1 GB)`,
    `  1-day / ${DAYS}-day bytes read        ${(day.stats.bytesRead / doc.stats.bytesRead).toFixed(3)}   (${day.stats.filesRead} of ${doc.stats.filesRead} files; a fifth is ${(1 / DAYS).toFixed(3)})`,
    `  1-day / ${DAYS}-day time              ${(oneDay.ms / all.ms).toFixed(3)}`,
    `  same top 10: flowq (warm, first run, Parquet cache, S3), parser, raw ${same ? 'yes' : 'NO'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await writeFile(join(DIR, 'last-bench.txt'), `${lines.join('\n')}\n`);
  if (!same) process.exitCode = 1;
}

await main();
