import { main } from './main.js';
import { watchOutput } from './output.js';
import { stopWorkInFlight } from '../engines/stop.js';
import { checkFilesInWorkers, isCheckWorker } from '../engines/local/worker-script.js';
import { describeTimings, mark } from '../timings.js';

// Everything above is loaded by now: what the start-up cost beyond Node's own.
mark('imports');

if (isCheckWorker()) {
  // This script, started again as a worker thread: it checks the files sent to it.
  (await import('../engines/local/check-workers.js')).serveChecks();
} else {
  await cli();
}

async function cli(): Promise<void> {
  // The local engine checks files in worker threads that run this script.
  checkFilesInWorkers(new URL(import.meta.url));

  // The SDK warns on Node 20 about its releases from 2027 on; flowq supports Node >= 20.19 today.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  watchOutput(process.stdout, process.stderr, (code) => process.exit(code));

  // Ctrl-C or a kill first stops the work in flight (DuckDB's query is interrupted, for a process
  // cannot exit while DuckDB runs one; Athena's is stopped), then ends the process through exit, so
  // that what runs at exit (the local engine's work folder is removed then) still runs; the exit code
  // is the shell's for that signal. A second signal ends it at once.
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => void stopWorkInFlight().finally(() => process.exit(code)));
  }

  process.exitCode = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stderr.isTTY === true,
  });
  if (process.env.FLOWQ_TIMINGS === '1') process.stderr.write(`${describeTimings()}\n`);
}
