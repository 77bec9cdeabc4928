import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DataError } from '../../errors.js';
import { impossiblePartitionOf, parseObjectKey, partitionBounds, type FileFormat, type Layout, type ParsedKey } from '../../flowlog/layout.js';
import { fileSystemError } from './file-system-error.js';
import { standInFile, STAND_IN, type StandIn } from './stand-in.js';

/** One flow-log file found under a local location. */
export interface LocalFile {
  /** The path as found under the location (through any symbolic links), as the user knows it. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly key: ParsedKey;
  /** Set when the gzip file is gone and its Parquet copy stands in for it (see {@link StandIn}); size and time are then the gzip file's. */
  readonly standIn?: StandIn;
}

/** The flow-log files under a location, and the layout and file format they share. */
export interface LocalTree {
  /** The folder that holds `AWSLogs/` (the parent when the location given was `AWSLogs/` itself). */
  readonly location: string;
  readonly files: readonly LocalFile[];
  readonly layout: Layout;
  readonly fileFormat: FileFormat;
  /** Folders (keys relative to the location, `AWSLogs/.../2026/11/27/27/`) skipped: their date or hour is impossible, so no partition. */
  readonly skipped?: readonly string[];
}

function describeLayout(layout: Layout): string {
  return `${layout.hiveCompatiblePartitions ? 'Hive-compatible' : 'plain'} ${layout.perHourPartition ? 'hourly' : 'daily'}`;
}

const identity = (info: { dev: number; ino: number }): string => `${info.dev}:${info.ino}`;

/**
 * Lists the files under `dir`, following symbolic links to folders and files (trees assembled from
 * several syncs use them). A folder already walked — a link loop, or a second link to the same
 * folder — and a file already listed are skipped, so nothing is read twice.
 */
async function walk(dir: string, out: Array<{ path: string; size: number; mtimeMs: number }>, seen: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw fileSystemError(dir, error);
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory() && !entry.isFile() && !entry.isSymbolicLink()) continue;
    // Synchronous, as in `fileStamp`: a folder of a busy day holds thousands of files.
    let info;
    try {
      info = statSync(path);
    } catch (error) {
      throw fileSystemError(path, error);
    }
    const id = identity(info);
    if (seen.has(id)) continue;
    seen.add(id);
    if (info.isDirectory()) await walk(path, out, seen);
    else if (info.isFile()) out.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
}

/**
 * The data's location is neither the folder that holds `AWSLogs/` nor `AWSLogs/` itself. Said in the
 * data's words: the caller that knows where the location came from (a flag, a setting) adds how to fix it.
 */
export class NotAFlowLogFolder extends DataError {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The data mixes layouts or file formats, and nothing chose one: `choices` names the options
 * (of `LocalEngineOptions`, `MirrorOptions`) that would.
 */
export class MixedFlowLogs extends DataError {
  constructor(
    readonly choices: readonly ('hiveCompatiblePartitions' | 'perHourPartition' | 'fileFormat')[],
    message: string,
  ) {
    super(message);
  }
}

/** The folder that holds `AWSLogs/`: the location itself, or its parent when the location is `AWSLogs/`. */
async function dataRoot(location: string): Promise<string> {
  const info = await stat(location).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError(`data folder ${location} does not exist`);
    throw fileSystemError(location, error);
  });
  if (!info.isDirectory()) throw new NotAFlowLogFolder(location, `data folder ${location} is a file, not a folder`);
  const inside = await stat(join(location, 'AWSLogs')).catch(() => undefined);
  if (inside?.isDirectory()) return location;
  if (basename(resolve(location)) === 'AWSLogs') return dirname(resolve(location));
  throw new NotAFlowLogFolder(location, `no AWSLogs/ folder in ${location}`);
}

/**
 * Finds the flow-log files under `location` (the folder that holds `AWSLogs/`, or `AWSLogs/` itself),
 * in AWS's key layouts, and detects their layout and file format unless given. Files of another
 * layout or format than the one asked for are left out.
 * @throws NotAFlowLogFolder when the location holds no `AWSLogs/`; MixedFlowLogs when it mixes layouts or file formats;
 *   DataError when it is missing or unreadable or holds no flow-log files.
 */
export async function scanLocation(location: string, wanted: { layout?: Partial<Layout>; fileFormat?: FileFormat } = {}): Promise<LocalTree> {
  const base = await dataRoot(location);
  const root = join(base, 'AWSLogs');
  const listed: Array<{ path: string; size: number; mtimeMs: number }> = [];
  await walk(root, listed, new Set([identity(await stat(root))]));
  const found: LocalFile[] = [];
  const skipped = new Set<string>();
  const paths = new Set(listed.map((f) => f.path));
  for (const entry of listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const file = entry.path.endsWith(STAND_IN) ? standInFile(entry.path, paths) : entry;
    if (file === undefined) continue;
    const relativeKey = relative(base, file.path).split(sep).join('/');
    const key = parseObjectKey(relativeKey);
    if (!key) {
      const impossible = impossiblePartitionOf(relativeKey);
      if (impossible !== undefined) skipped.add(impossible);
      continue;
    }
    const { layout } = key;
    if (wanted.layout?.hiveCompatiblePartitions !== undefined && wanted.layout.hiveCompatiblePartitions !== layout.hiveCompatiblePartitions) continue;
    if (wanted.layout?.perHourPartition !== undefined && wanted.layout.perHourPartition !== layout.perHourPartition) continue;
    if (wanted.fileFormat !== undefined && wanted.fileFormat !== key.fileFormat) continue;
    found.push({ ...file, key });
  }
  if (found.length === 0) throw new DataError(`no flow-log files in AWS's layout under ${root}`);
  const first = found[0].key;
  for (const file of found) {
    const { layout } = file.key;
    if (layout.hiveCompatiblePartitions !== first.layout.hiveCompatiblePartitions || layout.perHourPartition !== first.layout.perHourPartition) {
      throw new MixedFlowLogs(
        ['hiveCompatiblePartitions', 'perHourPartition'],
        `${root} mixes ${describeLayout(first.layout)} and ${describeLayout(layout)} layouts`,
      );
    }
    if (file.key.fileFormat !== first.fileFormat) {
      throw new MixedFlowLogs(['fileFormat'], `${root} mixes plain-text and parquet files`);
    }
  }
  return { location: base, files: found, layout: first.layout, fileFormat: first.fileFormat, ...(skipped.size > 0 ? { skipped: [...skipped] } : {}) };
}

/** A question's time range, [start, end) in Unix seconds, and the late-filed margin its partitions include. */
export interface PartitionRange {
  readonly start: number;
  readonly end: number;
  readonly lateMarginSeconds: number;
  /**
   * When no file lies in the range, keep every file rather than refuse: for questions with a
   * partition predicate of their own (a template), which then read nothing and say so.
   */
  readonly everyFileWhenNone?: boolean;
}

/**
 * The files of a tree that lie in the partitions of a range (the same bounds as the templates' predicate).
 * @throws DataError when no file does (unless `range.everyFileWhenNone`: then the whole tree).
 */
export function treeInRange(tree: LocalTree, range: PartitionRange, location: string): LocalTree {
  const [from, to] = partitionBounds(tree.layout, range.start, range.end, range.lateMarginSeconds);
  const files = tree.files.filter((f) => f.key.dt >= from && f.key.dt <= to);
  if (files.length === 0 && range.everyFileWhenNone) return tree;
  if (files.length === 0) throw new DataError(`no flow-log files under ${location} in partitions ${from} to ${to}`);
  return { ...tree, files };
}
