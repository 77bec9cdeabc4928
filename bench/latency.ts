/**
 * The latency a user feels: a one-day question (top-talkers) on a sample of its own (`flowq sample`'s
 * defaults: 60,000 records over 3 days), asked as a user asks it, `node dist/flowq.js run ...` in a new process, next
 * to `node -e 0`. Prints the wall time (target <= 0.5 s) and where it goes, from the marks the CLI
 * prints with FLOWQ_TIMINGS=1: Node's start, imports, finding the files, opening DuckDB, the view,
 * the query, the output. Best and median of BENCH_ROUNDS (default 9) runs, after one that verifies
 * the gzip files.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeSample } from '../src/sample/generate.js';
import { formatDate } from '../src/time.js';

const UNTIL = Date.UTC(2026, 10, 28) / 1000;
const DIR = resolve(process.env.BENCH_DIR ?? '.flowq/bench-latency');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const TARGET_MS = 500;
const RSS_HOOK = resolve('bench/max-rss.mjs');

interface Run {
  readonly ms: number;
  /** User and system CPU time, all threads: less sensitive than wall time to other work on the machine. */
  readonly cpuMs: number;
  /** Phase → milliseconds, in the order the CLI printed them. */
  readonly phases: ReadonlyMap<string, number>;
}

function timed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      const line = /^timings: (.*)$/m.exec(stderr)?.[1] ?? '';
      const phases = new Map(
        [...line.matchAll(/([a-z ]+?) ([\d.]+) ms(?:, |$)/g)].filter((m) => m[1] !== 'total').map((m) => [m[1].trim(), Number(m[2])] as [string, number]),
      );
      resolvePromise({ ms, phases, cpuMs: Number(/^cpu-us (\d+)$/m.exec(stderr)?.[1] ?? NaN) / 1000 });
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main(): Promise<void> {
  if (!existsSync(join(DIR, 'AWSLogs'))) {
    process.stderr.write(`making the sample in ${DIR}\n`);
    await writeSample({ out: DIR, until: UNTIL });
  }
  const day = UNTIL - 86_400;
  const env = { FLOWQ_TIMINGS: '1', FLOWQ_CACHE_DIR: join(DIR, '.cache') };
  const question = ['dist/flowq.js', 'run', 'top-talkers', '--data', DIR, '--start', formatDate(day), '--end', formatDate(UNTIL)];
  await timed(question, env); // verifies the gzip files once, as a user's first question does
  const bare: Run[] = [];
  const runs: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(await timed(['-e', '0']));
    runs.push(await timed(question, env));
  }
  const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '? ? ?')).split(' ').slice(0, 3).join(' ');
  const ms = (n: number) => `${Math.round(n)} ms`.padStart(7);
  const lines = [
    '',
    `a one-day question on the sample: flowq run ${question.slice(2).join(' ')}`,
    `  best of ${ROUNDS}, median in brackets; load ${load}`,
    `  node -e 0, wall           ${ms(Math.min(...bare.map((r) => r.ms)))}  (${Math.round(median(bare.map((r) => r.ms)))} ms), CPU ${Math.round(Math.min(...bare.map((r) => r.cpuMs)))} ms`,
    `  flowq, wall               ${ms(best.ms)}  (${Math.round(median(runs.map((r) => r.ms)))} ms), CPU ${Math.round(Math.min(...runs.map((r) => r.cpuMs)))} ms   target <= ${TARGET_MS} ms wall: ${best.ms <= TARGET_MS ? 'met' : 'NOT met'}`,
    ...[...best.phases].map(([phase, value]) => `    ${phase.padEnd(22)}${ms(value)}  (${Math.round(median(runs.map((r) => r.phases.get(phase) ?? NaN)))} ms)`),
    `    ${'process exit'.padEnd(22)}${ms(best.ms - [...best.phases.values()].reduce((a, b) => a + b, 0))}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
