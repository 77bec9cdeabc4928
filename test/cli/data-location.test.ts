import { inFlagTerms } from '../../src/cli/data-location.js';
import { reportError } from '../../src/cli/main.js';
import { DataError } from '../../src/errors.js';
import { MixedFlowLogs, NotAFlowLogFolder } from '../../src/engines/local/scan.js';

/** What `flowq` writes and exits with when opening the data raises `error`. */
function reported(error: unknown): { code: number; err: string } {
  let err = '';
  const code = reportError(inFlagTerms(error), { out: () => undefined, err: (t) => (err += t) });
  return { code, err };
}

describe('inFlagTerms', () => {
  it.each([
    [
      new NotAFlowLogFolder('/srv/logs', 'no AWSLogs/ folder in /srv/logs'),
      'flowq: no AWSLogs/ folder in /srv/logs: point --data at the folder that holds AWSLogs/\n',
    ],
    [
      new MixedFlowLogs(['hiveCompatiblePartitions', 'perHourPartition'], '/srv/logs/AWSLogs mixes plain daily and Hive-compatible daily layouts'),
      'flowq: /srv/logs/AWSLogs mixes plain daily and Hive-compatible daily layouts; choose one with --hive/--per-hour\n',
    ],
    [
      new MixedFlowLogs(['fileFormat'], '/srv/logs/AWSLogs mixes plain-text and parquet files'),
      'flowq: /srv/logs/AWSLogs mixes plain-text and parquet files; choose one with --file-format\n',
    ],
    [
      new MixedFlowLogs(['hiveCompatiblePartitions'], 's3://b/p/AWSLogs/ mixes plain and Hive-compatible layouts'),
      'flowq: s3://b/p/AWSLogs/ mixes plain and Hive-compatible layouts; choose one with --hive\n',
    ],
  ])('adds the flag that fixes %p', (error, line) => {
    expect(reported(error)).toEqual({ code: 1, err: line });
  });

  it('leaves other errors as they are', () => {
    const error = new DataError('/srv/logs/AWSLogs/x.log.gz is a corrupt gzip file');

    expect(inFlagTerms(error)).toBe(error);
  });
});
