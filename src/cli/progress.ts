import type { CliIo } from './args.js';

/** Progress of counted work on stderr (`label: 12/100 (10%)`), at most every 5%, so long work shows it is moving. */
export function countPrinter(io: CliIo, label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((done / total) * 20) * 5;
    if (percent !== shown && (percent < 100 || done === total)) {
      shown = percent;
      io.err(`${label}: ${done}/${total} (${percent}%)\n`);
    }
  };
}
