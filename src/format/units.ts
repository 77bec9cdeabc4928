/** How quantities read in flowq's output: bytes in decimal units, counts with their noun. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units with one decimal: 1234567 → `1.2 MB`. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Compared as shown (one decimal), so 999,999,999,999 B reads 1.0 TB and never 1000.0 GB.
  while (Math.abs(Math.round(value * 10) / 10) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `1 row`, `2 rows`, `0 files`. */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
