// Shared by the report tests: a sample data set on the local engine, a sink that records what it is
// asked to do, and a fixed clock.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { DEFAULT_QUERY_SETTINGS } from '../../src/config.js';
import { runTemplate, type Engine, type ResultDocument } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import type { RunTemplate } from '../../src/reports/report.js';
import { FolderSink, type ReportObject, type ReportSink } from '../../src/reports/sink.js';
import { writeSample } from '../../src/sample/generate.js';

/** The sample's three full days are 2026-10-29, -30 and -31. */
export const SAMPLE_UNTIL = Date.UTC(2026, 10, 1) / 1000;
export const FIXED_NOW = Date.UTC(2026, 10, 1, 1, 15);
export const FIXED_CLOCK = { now: () => FIXED_NOW };

/** Writes the sample into `dir` (once per test file) and opens the local engine over it. */
export async function openSample(dir: string): Promise<{ engine: Engine; run: RunTemplate; data: string }> {
  const data = join(dir, 'data');
  await writeSample({ out: data, days: 3, records: 4000, seed: 3, until: SAMPLE_UNTIL });
  const engine = await openEngine({ kind: 'local', local: { location: data }, query: DEFAULT_QUERY_SETTINGS });
  return { engine, data, run: (name, params) => runTemplate(engine, name, params) };
}

/** A runner that answers from recorded documents, with fixed statistics, so two runs give the same bytes. */
export function replaying(run: RunTemplate): RunTemplate {
  const seen = new Map<string, ResultDocument>();
  return async (name, params) => {
    const key = JSON.stringify([name, params]);
    if (!seen.has(key)) {
      const doc = await run(name, params);
      seen.set(key, { ...doc, stats: { ...doc.stats, elapsedMs: 7 } });
    }
    return seen.get(key)!;
  };
}

/** One call a sink received. */
export type SinkCall = { op: 'put'; object: ReportObject } | { op: 'get' | 'delete'; key: string };

/** A folder sink that records every call, and can be told to fail a put. */
export class RecordingSink implements ReportSink {
  readonly calls: SinkCall[] = [];
  readonly inner: FolderSink;
  failPut?: (key: string) => boolean;

  constructor(root: string) {
    this.inner = new FolderSink(root);
  }

  async put(object: ReportObject): Promise<void> {
    this.calls.push({ op: 'put', object });
    if (this.failPut?.(object.key)) throw new Error(`disk full writing ${object.key}`);
    await this.inner.put(object);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    this.calls.push({ op: 'get', key });
    return this.inner.get(key);
  }

  delete(key: string): Promise<void> {
    this.calls.push({ op: 'delete', key });
    return this.inner.delete(key);
  }

  location(key: string): string {
    return this.inner.location(key);
  }

  /** The keys put, in order. */
  puts(): string[] {
    return this.calls.flatMap((c) => (c.op === 'put' ? [c.object.key] : []));
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/**
 * Makes a mocked S3 client behave as a bucket: puts are kept, gets answer them or NoSuchKey, deletes
 * remove them. Returns the bucket's contents by key.
 */
export function fakeBucket(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
): Map<string, { body: Uint8Array; input: PutObjectCommandInput }> {
  const objects = new Map<string, { body: Uint8Array; input: PutObjectCommandInput }>();
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    objects.set(input.Key!, { body: input.Body as Uint8Array, input });
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const found = objects.get(input.Key);
    if (found === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToByteArray: () => Promise.resolve(found.body) } };
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  return objects;
}
