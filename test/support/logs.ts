import { jest } from '@jest/globals';

/** One JSON line Powertools Logger wrote. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

/**
 * Runs `act` and returns the JSON lines Powertools Logger wrote meanwhile, in order. The logger
 * reads its level when its module loads: set POWERTOOLS_LOG_LEVEL before importing what logs.
 */
export async function logsOf(act: () => Promise<unknown>): Promise<LogLine[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  // ERROR and WARN lines go to stderr, the others to stdout.
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine);
}
