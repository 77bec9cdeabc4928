import { parentPort, Worker } from 'node:worker_threads';
import { DataError } from '../../errors.js';
import { errorLine } from '../../text.js';
import { checkFile, type CheckJob, type Checker, type FileCheck } from './gzip-check.js';
import { CHECK_WORKER, checkWorkerScript } from './worker-script.js';

const asError = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

type Reply = { readonly id: number; readonly result: FileCheck } | { readonly id: number; readonly error: string; readonly data: boolean };

/** Serves the checks sent to this worker thread (see {@link CheckWorkers}), each with {@link checkFile}. */
export function serveChecks(): void {
  const port = parentPort!;
  port.on('message', ({ id, job }: { id: number; job: CheckJob }) => {
    checkFile(job).then(
      (result) => port.postMessage({ id, result } satisfies Reply),
      (error: unknown) => port.postMessage({ id, error: errorLine(error), data: error instanceof DataError } satisfies Reply),
    );
  });
}

interface Pending {
  readonly resolve: (check: FileCheck) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Worker threads that check files (inflate, scan, and write plain files' Parquet copies), so that
 * this work, most of a pass that makes copies, runs on every core rather than in the thread that
 * drives it. Each worker takes two files at a time: one's text is read while the other's inflates.
 */
export class CheckWorkers implements Checker {
  private readonly pending: Array<Map<number, Pending>>;
  private next = 0;
  private stopped: Error | undefined;
  private readonly watched = new WeakSet<AbortSignal>();

  private constructor(private readonly workers: Worker[]) {
    this.pending = workers.map(() => new Map<number, Pending>());
    workers.forEach((worker, i) => {
      worker.on('message', (reply: Reply) => {
        const waiting = this.pending[i].get(reply.id);
        this.pending[i].delete(reply.id);
        if ('result' in reply) waiting?.resolve(reply.result);
        else waiting?.reject(reply.data ? new DataError(reply.error) : new Error(reply.error));
      });
      const fail = (error: unknown) => this.stop(asError(error));
      worker.on('error', fail);
      worker.on('exit', () => fail(new Error('a worker thread checking files stopped')));
    });
  }

  /** `count` workers, or undefined when this process has no script for them (see `checkFilesInWorkers`). */
  static start(count: number): CheckWorkers | undefined {
    const script = checkWorkerScript();
    if (script === undefined || count === 0) return undefined;
    return new CheckWorkers(Array.from({ length: count }, () => new Worker(script, { workerData: CHECK_WORKER })));
  }

  /** How many checks to have in flight: two per worker. */
  get concurrency(): number {
    return this.workers.length * 2;
  }

  /** Checks a file in the worker with the fewest checks in flight; an abort stops every worker. */
  check = (job: CheckJob, signal: AbortSignal): Promise<FileCheck> => {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    if (signal.aborted) return Promise.reject(asError(signal.reason));
    if (!this.watched.has(signal)) {
      this.watched.add(signal);
      signal.addEventListener('abort', () => this.stop(asError(signal.reason)), { once: true });
    }
    const i = this.pending.reduce((best, p, k) => (p.size < this.pending[best].size ? k : best), 0);
    const id = this.next++;
    return new Promise<FileCheck>((resolve, reject) => {
      this.pending[i].set(id, { resolve, reject });
      this.workers[i].postMessage({ id, job });
    });
  };

  /** Fails the checks in flight and ends the workers. */
  private stop(reason: Error): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    for (const pending of this.pending) {
      for (const { reject } of pending.values()) reject(reason);
      pending.clear();
    }
    void this.close();
  }

  async close(): Promise<void> {
    this.stopped ??= new Error('the file checks are closed');
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
