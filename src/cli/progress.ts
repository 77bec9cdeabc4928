import type { CliIo } from './args.js';

/**
 * Progress lines on stderr. On a terminal one line is rewritten in place as the work moves (and
 * ended when it is done); elsewhere (a log, a pipe) a line is written at most every 10%, and at the end.
 * @returns a function to call with the work done so far, its total, and the line to show.
 */
export function progressLine(io: CliIo, interactive: boolean): (done: number, total: number, line: string) => void {
  let shown = -1;
  return (done, total, line) => {
    const finished = done >= total;
    if (interactive) {
      io.err(`\r\x1b[2K${line}${finished ? '\n' : ''}`);
      return;
    }
    const tenth = finished ? 10 : Math.floor((done / total) * 10);
    if (tenth === shown) return;
    shown = tenth;
    io.err(`${line}\n`);
  };
}

/** Progress of counted work on stderr (`label: 12/100 (12%)`), as {@link progressLine} shows it. */
export function countPrinter(io: CliIo, label: string, interactive = false): (done: number, total: number) => void {
  const show = progressLine(io, interactive);
  return (done, total) => show(done, total, `${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)`);
}
