/** A stream the CLI writes to: only what `watchOutput` needs of process.stdout and process.stderr. */
export interface OutputStream {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  write(text: string): unknown;
}

/**
 * Ends the process the way command-line tools do when their output goes away: a reader that closed
 * early (`flowq run ... | head -1`, EPIPE) ends it quietly with exit 0, as SIGPIPE would; any other
 * write error on stdout (a full disk, ENOSPC) is one line on stderr and exit 1. Errors on stderr
 * itself are ignored: there is nowhere left to report them.
 */
export function watchOutput(stdout: OutputStream, stderr: OutputStream, exit: (code: number) => void): void {
  let ended = false;
  stdout.on('error', (error) => {
    if (ended) return;
    ended = true;
    if (error.code === 'EPIPE') return exit(0);
    try {
      stderr.write(`flowq: cannot write the output: ${error.code === 'ENOSPC' ? 'no space left on the device' : (error.code ?? error.message)}\n`);
    } finally {
      exit(1);
    }
  });
  stderr.on('error', () => undefined);
}
