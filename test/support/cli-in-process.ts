// The flowq command line run in this process, with what it wrote to stdout and stderr.
import { main } from '../../src/cli/main.js';

/** Runs `flowq ...argv` in-process; returns its exit code and output. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
