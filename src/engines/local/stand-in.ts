import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { isStamp, type Stamp } from './verified-cache.js';
import { writeWhole } from '../../files.js';

/**
 * What is left of a gzip file once its Parquet copy is the only form a cache keeps (the S3 mirror, see
 * `LocalEngineOptions.onlyCopies`): written beside where the file was, as `<file>` + {@link STAND_IN}.
 */
export interface StandIn {
  /** The gzip file's stamp when it was verified and copied: its size, times, fingerprint, header and `plainFor`. */
  readonly stamp: Stamp;
  /** The absolute path of the Parquet copy. */
  readonly copy: string;
}

export const STAND_IN = '.copied.json';

/** The stand-in of the gzip file at `path`, or undefined when there is none (or it is damaged: then the file is fetched again). */
export function readStandIn(path: string): StandIn | undefined {
  try {
    const parsed = JSON.parse(readFileSync(`${path}${STAND_IN}`, 'utf8')) as Partial<StandIn> | null;
    return parsed !== null && typeof parsed === 'object' && isStamp(parsed.stamp) && typeof parsed.copy === 'string' ? (parsed as StandIn) : undefined;
  } catch {
    return undefined;
  }
}

/** Puts a stand-in in place whole (a temporary file renamed), then removes the gzip file it stands in for. */
export async function replaceByStandIn(path: string, standIn: StandIn): Promise<void> {
  await writeWhole(`${path}${STAND_IN}`, JSON.stringify(standIn));
  await unlink(path);
}

/** The gzip file a stand-in found by the scan stands for, unless that file is still there (the scan lists it) or the stand-in is damaged. */
export function standInFile(standInPath: string, listed: ReadonlySet<string>): { path: string; size: number; mtimeMs: number; standIn: StandIn } | undefined {
  const path = standInPath.slice(0, -STAND_IN.length);
  const standIn = listed.has(path) ? undefined : readStandIn(path);
  return standIn && { path, size: standIn.stamp.size, mtimeMs: standIn.stamp.mtimeMs, standIn };
}
