import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { parseTimeout, progressPrinter } from '../../src/cli/athena.js';
import { openCliEngine } from '../../src/cli/engine.js';
import { parseArgs, type CliIo } from '../../src/cli/args.js';
import { runCommand } from '../../src/cli/commands.js';
import { QueryTimedOut } from '../../src/errors.js';
import { renderQuery } from '../../src/queries/render.js';
import { decodedTalker, EXECUTION_ID, executionIn, FakeClock, resultsPage, TARGET } from './athena-support.js';
import { athenaQueryText } from '../../src/engines/athena.js';

const athenaMock = mockClient(AthenaClient);
const BOOLEANS = new Set(['hive', 'per_hour']);

function recordingIo(): CliIo & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
});

describe('openCliEngine --engine athena', () => {
  test('builds the engine and render target from flags and shows progress on stderr', async () => {
    // Arrange
    const io = recordingIo();
    const clock = new FakeClock();
    const args = parseArgs(
      [
        '--engine',
        'athena',
        '--database',
        'flowq',
        '--table',
        'vpc_logs',
        '--workgroup',
        'analysts',
        '--output-location',
        's3://my-results/flowq/',
        '--reuse-minutes',
        '0',
        '--hive',
        '--per-hour',
      ],
      BOOLEANS,
    );
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(executionIn('QUEUED', { workgroup: 'analysts' }))
      .resolvesOnce(executionIn('RUNNING', { workgroup: 'analysts', scanned: 2_500_000 }))
      .resolves(executionIn('SUCCEEDED', { workgroup: 'analysts', scanned: 52_000_000 }));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1], { first: true }));

    // Act
    const { engine, runOptions } = await openCliEngine(args, io, { clock, interactive: false });
    const query = renderQuery('top-talkers', { start: '2026-11-26', end: '2026-11-27' }, engine.target);
    const result = await engine.run(query, runOptions());

    // Assert
    expect(engine.target).toEqual({
      table: 'vpc_logs',
      layout: { hiveCompatiblePartitions: true, perHourPartition: true },
      logFormat: TARGET.logFormat,
      lateMarginSeconds: 600,
      limits: { maxRangeDays: 31 },
      dialect: 'athena',
    });
    expect(result.rows).toEqual([decodedTalker(1)]);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueryString: athenaQueryText(query),
        ExecutionParameters: query.executionParameters,
        QueryExecutionContext: { Database: 'flowq', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'analysts',
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        ResultConfiguration: { OutputLocation: 's3://my-results/flowq/' },
      },
    ]);
    expect(io.stderr).toBe(
      [
        `athena: query ${EXECUTION_ID} started in workgroup analysts`,
        'athena: QUEUED    0.0 s, 0 B scanned',
        'athena: RUNNING   0.1 s, 2.5 MB scanned',
        'athena: SUCCEEDED 0.3 s, 52.0 MB scanned',
        '',
      ].join('\n'),
    );
    expect(io.stdout).toBe('');
  });

  test('stops the query at --timeout and raises the timeout', async () => {
    const clock = new FakeClock();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING', { workgroup: 'primary' }));
    athenaMock.on(StopQueryExecutionCommand).resolves({});
    const { engine, runOptions } = await openCliEngine(
      parseArgs(['--engine', 'athena', '--database', 'flowq', '--table', 'flow_logs', '--timeout', '2m']),
      recordingIo(),
      { clock, interactive: false },
    );
    const startedAt = clock.now();

    const error = await engine.run(renderQuery('eni-bytes', { start: '2026-11-26', end: '2026-11-27' }, engine.target), runOptions()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryTimedOut);
    expect(clock.now() - startedAt).toBe(120_000);
    expect(athenaMock).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: EXECUTION_ID });
  });

  test.each([
    [['--table', 'flow_logs'], '--database is required with --engine athena: the Glue database that holds the flow-log table'],
    [['--database', 'flowq'], '--table is required with --engine athena: the flow-log table (see `flowq catalog`)'],
    [['--database', 'flowq', '--table', 'flow_logs', '--timeout', 'soon'], "--timeout must look like 90, 90s, 15m or 2h, not 'soon'"],
    [
      ['--database', 'flowq', '--table', 'flow_logs', '--reuse-minutes', '-1'],
      "--reuse-minutes must be a whole number of minutes (0 turns reuse off), not '-1'",
    ],
    [
      ['--database', 'flowq', '--table', 'flow_logs', '--output-location', 'my-bucket'],
      "output location 'my-bucket' is not an S3 location (s3://bucket/prefix/)",
    ],
    [['--database', 'Flow-Logs', '--table', 'flow_logs'], "database name 'Flow-Logs' must match ^[a-z0-9_]{1,255}$"],
  ])('refuses %j: %s', async (argv, message) => {
    await expect(openCliEngine(parseArgs(['--engine', 'athena', ...argv]), recordingIo())).rejects.toThrow(message);
  });

  test.each([
    ['90', 90],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
  ])('--timeout %s is %d seconds', (text, seconds) => {
    expect(parseTimeout(text)).toBe(seconds);
  });
});

describe('progressPrinter', () => {
  const steps = [
    { state: 'QUEUED', elapsedMs: 0 },
    { state: 'RUNNING', elapsedMs: 400, dataScannedBytes: 1_000 },
    { state: 'RUNNING', elapsedMs: 900, dataScannedBytes: 3_400_000_000 },
    { state: 'SUCCEEDED', elapsedMs: 1250, dataScannedBytes: 3_400_000_000 },
  ];

  test('on a terminal rewrites one line and ends it when the query ends', () => {
    const io = recordingIo();
    const print = progressPrinter(io, true);

    steps.forEach(print);

    expect(io.stderr).toBe(
      '\r\x1b[2Kathena: QUEUED    0.0 s, 0 B scanned' +
        '\r\x1b[2Kathena: RUNNING   0.4 s, 1.0 kB scanned' +
        '\r\x1b[2Kathena: RUNNING   0.9 s, 3.4 GB scanned' +
        '\r\x1b[2Kathena: SUCCEEDED 1.3 s, 3.4 GB scanned\n',
    );
  });

  test('elsewhere writes a line per change of state', () => {
    const io = recordingIo();
    const print = progressPrinter(io, false);

    steps.forEach(print);

    expect(io.stderr).toBe('athena: QUEUED    0.0 s, 0 B scanned\nathena: RUNNING   0.4 s, 1.0 kB scanned\nathena: SUCCEEDED 1.3 s, 3.4 GB scanned\n');
  });
});

describe('flowq run --engine athena', () => {
  test('prints exactly one JSON result document with the Athena stats and cost', async () => {
    const io = recordingIo();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED', { workgroup: 'primary', scanned: 1_073_741_824 }));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1, 2], { first: true }));

    const code = await runCommand(
      [
        'top-talkers',
        '--engine',
        'athena',
        '--database',
        'flowq',
        '--table',
        'flow_logs',
        '--start',
        '2026-11-26',
        '--end',
        '2026-11-27',
        '--limit',
        '2',
        '--output',
        'json',
      ],
      io,
    );

    expect(code).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({
      query: 'top-talkers',
      params: { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 2 },
      columns: expect.any(Array),
      rows: [decodedTalker(1), decodedTalker(2)],
      stats: {
        engine: 'athena',
        rowsReturned: 2,
        elapsedMs: expect.any(Number),
        dataScannedBytes: 1_073_741_824,
        engineExecutionMs: 1200,
        queueMs: 80,
        totalExecutionMs: 1400,
        reused: false,
        costUsd: 5 / 1024,
        partitions: ['2026/11/26', '2026/11/27'],
        marginPartitions: ['2026/11/27'],
        lateMarginSeconds: 600,
      },
      executionId: EXECUTION_ID,
    });
  });
});
