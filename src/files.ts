import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** The suffix of a file still being written: readers and the S3 mirror's pruning pass over such files. */
export const PARTIAL_SUFFIX = '.part';

/** A temporary name beside `path`, unique to this write. */
export function partialPathOf(path: string): string {
  return `${path}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`;
}

/**
 * Writes a file whole or not at all: the data goes to a temporary name beside it, renamed into place
 * once written, so a reader (another process, an interrupted run's successor) never sees half of it.
 * On failure the temporary file is removed and the error thrown.
 */
export async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  const temp = partialPathOf(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
