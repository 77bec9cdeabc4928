import { isMainThread, workerData } from 'node:worker_threads';

/** The `workerData` of a worker thread started to check files (see `CheckWorkers`). */
export const CHECK_WORKER = { role: 'flowq file checks' } as const;

let script: URL | undefined;

/**
 * Lets the local engine check files in worker threads that run `entry`: a script that serves checks
 * (`serveChecks`) when started with {@link CHECK_WORKER}, as the CLI's does. Without it, files are
 * checked in the calling thread.
 */
export function checkFilesInWorkers(entry: URL): void {
  script = entry;
}

/** The script worker threads that check files run, if any (see {@link checkFilesInWorkers}). */
export const checkWorkerScript = (): URL | undefined => script;

/** Whether this thread was started to check files. */
export const isCheckWorker = (): boolean => !isMainThread && (workerData as { role?: unknown } | null)?.role === CHECK_WORKER.role;
