// The flowq CLI as a user runs it: bundled once per test file with the build's settings, run in a child process.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

let bundled: Promise<string> | undefined;

/** Bundles src/cli/bin.ts as scripts/build.mjs does, into a temporary folder; returns the script's path. */
export function bundleCli(): Promise<string> {
  bundled ??= (async () => {
    // Inside the project, so the bundle's ESM imports resolve from its node_modules (ESM ignores NODE_PATH).
    mkdirSync(join(process.cwd(), '.flowq'), { recursive: true });
    const outfile = join(mkdtempSync(join(process.cwd(), '.flowq', 'test-cli-')), 'flowq.js');
    await build({ entryPoints: ['src/cli/bin.ts'], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', loader: { '.sql': 'text' }, logLevel: 'error', absWorkingDir: process.cwd() });
    return outfile;
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
 * variable). `closeStdoutAfterFirstChunk` closes the read side of its stdout after the first chunk,
 * as `| head -1` does.
 */
export async function runCli(argv: readonly string[], options: { env?: Record<string, string | undefined>; closeStdoutAfterFirstChunk?: boolean; cwd?: string } = {}): Promise<CliRun> {
  const script = await bundleCli();
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...argv], { env: env, cwd: options.cwd ?? process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (options.closeStdoutAfterFirstChunk) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}
