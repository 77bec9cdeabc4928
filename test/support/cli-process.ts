// The flowq CLI as a user runs it: bundled once per test file with the build's settings, run in a child process.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CLI } from '../../scripts/build-options.mjs';

let bundled: Promise<string> | undefined;

/** Bundles src/cli/bin.ts as scripts/build.mjs does, into a temporary folder; returns the script's path. */
export function bundleCli(): Promise<string> {
  bundled ??= (async () => {
    // Inside the project, so the bundle's ESM imports resolve from its node_modules (ESM ignores NODE_PATH);
    // in the run's folder there (see global-setup.cjs), which is removed when the run ends.
    const parent = process.env.FLOWQ_TEST_PROJECT_DIR ?? join(process.cwd(), '.flowq');
    mkdirSync(parent, { recursive: true });
    const outdir = mkdtempSync(join(parent, 'test-cli-'));
    await build({ ...CLI, outdir, logLevel: 'error', absWorkingDir: process.cwd() });
    return join(outdir, 'flowq.js');
  })();
  return bundled;
}

/** What one run of the CLI did. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs the bundled CLI with `argv` in a child process, with `env` changes (undefined removes a
 * variable). `pipeToHead` sends its stdout through a real pipe into `head -c 100`, which exits after
 * reading that much (a pipe of Node's own is a socket with a buffer too large to fill); the exit code
 * stays the CLI's. `stdoutFile` sends its stdout to that file instead (`/dev/full`: a full disk).
 * `interrupt` sends it a signal once a condition holds.
 */
export async function runCli(
  argv: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    pipeToHead?: boolean;
    cwd?: string;
    stdoutFile?: string;
    /** Sends the signal once `when` (asked every 20 ms) says so. */
    interrupt?: { signal: NodeJS.Signals; when: () => boolean };
  } = {},
): Promise<CliRun> {
  const script = await bundleCli();
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[name];
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'w');
  return new Promise((resolve, reject) => {
    const [command, args] = options.pipeToHead
      ? ['bash', ['-c', '"$@" | head -c 100; exit "${PIPESTATUS[0]}"', 'bash', process.execPath, script, ...argv]]
      : [process.execPath, [script, ...argv]];
    const child = spawn(command, args, { env, cwd: options.cwd ?? process.cwd(), stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const interrupt = options.interrupt;
    const poll =
      interrupt &&
      setInterval(() => {
        if (!interrupt.when()) return;
        clearInterval(poll);
        child.kill(interrupt.signal);
      }, 20);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, out, err });
    });
  });
}
