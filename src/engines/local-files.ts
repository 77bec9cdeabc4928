import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors.js';
import { parseObjectKey, type FileFormat, type Layout, type ParsedKey } from '../flowlog/layout.js';

/** One flow-log file found under a local location. */
export interface LocalFile {
  readonly path: string;
  readonly size: number;
  readonly key: ParsedKey;
}

/** The flow-log files under a location, and the layout and file format they share. */
export interface LocalTree {
  readonly files: readonly LocalFile[];
  readonly layout: Layout;
  readonly fileFormat: FileFormat;
}

function describeLayout(layout: Layout): string {
  return `${layout.hiveCompatiblePartitions ? 'Hive-compatible' : 'plain'} ${layout.perHourPartition ? 'hourly' : 'daily'}`;
}

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile()) out.push(path);
  }
}

/**
 * Finds the flow-log files under `location` (the folder that holds `AWSLogs/`), in AWS's key
 * layouts, and detects their layout and file format unless given. Files of another layout or
 * format than the one asked for are left out.
 * @throws DataError when the folder is missing, holds no flow-log files, or mixes layouts.
 */
export async function scanLocation(
  location: string,
  wanted: { layout?: Partial<Layout>; fileFormat?: FileFormat } = {},
): Promise<LocalTree> {
  const root = join(location, 'AWSLogs');
  const info = await stat(location).catch(() => undefined);
  if (!info?.isDirectory()) throw new DataError(`data folder ${location} does not exist`);
  const rootInfo = await stat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) {
    throw new DataError(`no AWSLogs/ folder in ${location}: point --data at the folder that holds AWSLogs/`);
  }
  const paths: string[] = [];
  await walk(root, paths);
  const found: LocalFile[] = [];
  for (const path of paths.sort()) {
    const key = parseObjectKey(relative(location, path).split(sep).join('/'));
    if (!key) continue;
    const { layout } = key;
    if (wanted.layout?.hiveCompatiblePartitions !== undefined && wanted.layout.hiveCompatiblePartitions !== layout.hiveCompatiblePartitions) continue;
    if (wanted.layout?.perHourPartition !== undefined && wanted.layout.perHourPartition !== layout.perHourPartition) continue;
    if (wanted.fileFormat !== undefined && wanted.fileFormat !== key.fileFormat) continue;
    found.push({ path, size: (await stat(path)).size, key });
  }
  if (found.length === 0) throw new DataError(`no flow-log files in AWS's layout under ${root}`);
  const first = found[0].key;
  for (const file of found) {
    const { layout } = file.key;
    if (layout.hiveCompatiblePartitions !== first.layout.hiveCompatiblePartitions || layout.perHourPartition !== first.layout.perHourPartition) {
      throw new DataError(
        `${root} mixes ${describeLayout(first.layout)} and ${describeLayout(layout)} layouts; choose one with --hive/--per-hour`,
      );
    }
    if (file.key.fileFormat !== first.fileFormat) {
      throw new DataError(`${root} mixes plain-text and parquet files; choose one with --file-format`);
    }
  }
  return { files: found, layout: first.layout, fileFormat: first.fileFormat };
}

/**
 * Reads the first line of a gzip text file without inflating the rest.
 * @throws DataError when the file is not gzip or has no header line.
 */
export async function readHeaderLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    if (magic[0] !== 0x1f || magic[1] !== 0x8b) throw new DataError(`${path} is not a gzip file`);
  } finally {
    await handle.close();
  }
  return new Promise<string>((resolve, reject) => {
    const input = createReadStream(path, { highWaterMark: 16 * 1024 });
    const gunzip = createGunzip();
    let text = '';
    const done = (error?: Error, line?: string): void => {
      input.destroy();
      gunzip.destroy();
      if (error) reject(error);
      else resolve(line ?? '');
    };
    gunzip.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl !== -1) done(undefined, text.slice(0, nl).replace(/\r$/, ''));
      else if (text.length > 65_536) done(new DataError(`${path} has no header line`));
    });
    gunzip.on('end', () => (text.length > 0 ? done(undefined, text.replace(/\r?\n?$/, '')) : done(new DataError(`${path} is empty`))));
    gunzip.on('error', () => done(new DataError(`${path} is not a valid gzip file`)));
    input.on('error', (e) => done(new DataError(`cannot read ${path}: ${e.message}`)));
    input.pipe(gunzip);
  });
}

/** Where the local engine remembers which gzip files it has verified: `FLOWQ_CACHE_DIR`, else ~/.cache/flowq. */
export function verifiedCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.FLOWQ_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowq');
  return join(base, 'verified-gzip.json');
}

function inflateFully(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sink = new Writable({ write: (_chunk, _encoding, next) => next() });
    // Large chunks: with zlib's 16 kB default the round trips to the thread pool cost more than inflating.
    pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip({ chunkSize: 1 << 20 }), sink).then(resolve, (error: Error) =>
      reject(new DataError(`${path} is a corrupt gzip file (${error.message})`)),
    );
  });
}

/**
 * Checks that each gzip file inflates completely with a matching CRC and length. DuckDB does not:
 * it reads a truncated or damaged file up to where it breaks and returns partial answers without a
 * word. A file is checked once per size and modification time; the result is kept in a cache file.
 * @throws DataError naming the first corrupt file.
 */
export async function verifyGzipFiles(files: readonly LocalFile[], cachePath: string = verifiedCachePath()): Promise<void> {
  const cache = await readFile(cachePath, 'utf8').then((text) => JSON.parse(text) as Record<string, string>).catch(() => ({}) as Record<string, string>);
  const stamp = async (f: LocalFile): Promise<string> => `${f.size}:${(await stat(f.path)).mtimeMs}`;
  const todo: Array<{ file: LocalFile; stamp: string }> = [];
  for (const file of files) {
    const s = await stamp(file);
    if (cache[file.path] !== s) todo.push({ file, stamp: s });
  }
  if (todo.length === 0) return;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const item = todo[next++];
      await inflateFully(item.file.path);
      cache[item.file.path] = item.stamp;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(availableParallelism(), todo.length) }, worker));
  } finally {
    // Keep what was verified even when a file failed; a cache that cannot be written is only a lost shortcut.
    const temp = `${cachePath}.${process.pid}.tmp`;
    await mkdir(dirname(cachePath), { recursive: true })
      .then(() => writeFile(temp, JSON.stringify(cache)))
      .then(() => rename(temp, cachePath))
      .catch(() => undefined);
  }
}
