import { performance } from 'node:perf_hooks';

/**
 * Where a command's time goes, for `npm run bench` (`FLOWQ_TIMINGS=1` prints it on stderr at exit):
 * marks taken as the work passes them, in milliseconds since the process started.
 */
const marks: Array<readonly [string, number]> = [];

/** Notes that the phase named `label` has just ended. */
export function mark(label: string): void {
  marks.push([label, performance.now()]);
}

/**
 * The phases as one line: Node's own start (until its bootstrap completed), then the time from
 * each mark to the next, the last until now (`close`): `node start 38.1 ms, imports 61.0 ms, ...`.
 */
export function describeTimings(end = performance.now()): string {
  const bootstrap = performance.nodeTiming.bootstrapComplete;
  const parts = [`node start ${bootstrap.toFixed(1)} ms`];
  let last = bootstrap;
  for (const [label, at] of [...marks, ['close', end] as const]) {
    parts.push(`${label} ${(at - last).toFixed(1)} ms`);
    last = at;
  }
  return `timings: ${parts.join(', ')}, total ${end.toFixed(1)} ms`;
}
