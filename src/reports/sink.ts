import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeWhole } from '../files.js';

/** One object a report writes. */
export interface ReportObject {
  /** The key, `/`-separated, under the sink's root (an S3 key, or a path under a folder). */
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  /** How long a browser or CDN may keep it: day objects a while, `latest.json` not at all. */
  readonly cacheControl: string;
}

/** Where a report is delivered: an S3 bucket or a local folder, behind the same four calls. */
export interface ReportSink {
  /** Writes one object whole: a reader sees the old bytes or the new, never a mix. */
  put(object: ReportObject): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Removes an object; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Where a person finds the object: `s3://bucket/key` or an absolute file path. */
  location(key: string): string;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * A sink over a local folder. Each object is written to a temporary file beside it and renamed
 * into place, so an interrupted run never leaves a half-written file.
 */
export class FolderSink implements ReportSink {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) throw new Error(`report key '${key}' is not a relative path`);
    return join(this.root, ...key.split('/'));
  }

  async put(object: ReportObject): Promise<void> {
    const path = this.path(object.key);
    await mkdir(dirname(path), { recursive: true });
    await writeWhole(path, object.body);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  location(key: string): string {
    return this.path(key);
  }
}
