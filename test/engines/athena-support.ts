// Shared by the Athena engine, service and handler tests: a fake clock and Athena's answers.
import type { GetQueryExecutionOutput, GetQueryResultsOutput, QueryExecutionState } from '@aws-sdk/client-athena';
import { DEFAULT_LOG_FORMAT } from '../../src/flowlog/format.js';
import type { RenderTarget } from '../../src/queries/render.js';

import { FakeClock } from '../support/fake-clock.js';
import { DEFAULT_QUERY_SETTINGS } from '../../src/config.js';
import { AthenaEngine, type AthenaSettings } from '../../src/engines/athena.js';
import type { Clock } from '../../src/clock.js';

export { FakeClock };

/** An Athena engine with these settings over the tests' table (TARGET's table, layout and format). */
export function athenaEngine(settings: AthenaSettings, clock: Clock = new FakeClock()): AthenaEngine {
  return new AthenaEngine({ table: TARGET.table, layout: TARGET.layout, logFormat: TARGET.logFormat, ...settings }, DEFAULT_QUERY_SETTINGS, clock);
}

export const EXECUTION_ID = '5b1a0c1e-8c1b-4a57-9c2b-2f7c9f0e1d11';

/** The table the tests render for: the default format in AWS's default layout. */
export const TARGET: RenderTarget = {
  table: 'flow_logs',
  layout: { hiveCompatiblePartitions: false, perHourPartition: false },
  logFormat: DEFAULT_LOG_FORMAT,
  lateMarginSeconds: 600,
};

/** A GetQueryExecution answer in a state, with statistics as Athena reports them. */
export function executionIn(
  state: QueryExecutionState,
  extra: { reason?: string; errorCategory?: number; scanned?: number; reused?: boolean; workgroup?: string } = {},
): GetQueryExecutionOutput {
  return {
    QueryExecution: {
      QueryExecutionId: EXECUTION_ID,
      WorkGroup: extra.workgroup ?? 'flowq',
      Status: {
        State: state,
        StateChangeReason: extra.reason,
        AthenaError: extra.errorCategory === undefined ? undefined : { ErrorCategory: extra.errorCategory, ErrorMessage: extra.reason },
      },
      Statistics: {
        DataScannedInBytes: extra.scanned ?? 0,
        EngineExecutionTimeInMillis: state === 'QUEUED' ? 0 : 1200,
        QueryQueueTimeInMillis: 80,
        TotalExecutionTimeInMillis: state === 'QUEUED' ? 80 : 1400,
        ResultReuseInformation: { ReusedPreviousResult: extra.reused ?? false },
      },
    },
  };
}

/** The columns top-talkers returns, as Athena reports them. */
export const TOP_TALKER_COLUMNS = [
  { Name: 'srcaddr', Type: 'varchar' },
  { Name: 'dstaddr', Type: 'varchar' },
  { Name: 'bytes', Type: 'bigint' },
  { Name: 'packets', Type: 'bigint' },
  { Name: 'flows', Type: 'bigint' },
  { Name: 'first_seen', Type: 'bigint' },
  { Name: 'last_seen', Type: 'bigint' },
];

/** One top-talkers row in Athena's text form. */
export function talkerRow(n: number): { Data: { VarCharValue: string }[] } {
  return {
    Data: [`10.0.0.${n}`, '10.0.1.1', String(1000 - n), String(10 - n), '1', '1795046400', '1795046460'].map((v) => ({ VarCharValue: v })),
  };
}

/** The same row as the engine decodes it. */
export function decodedTalker(n: number): Record<string, string | number> {
  return { srcaddr: `10.0.0.${n}`, dstaddr: '10.0.1.1', bytes: 1000 - n, packets: 10 - n, flows: 1, first_seen: 1795046400, last_seen: 1795046460 };
}

/** A GetQueryResults page: the header row first when it is the first page. */
export function resultsPage(rows: number[], options: { first: boolean; nextToken?: string }): GetQueryResultsOutput {
  const header = { Data: TOP_TALKER_COLUMNS.map((c) => ({ VarCharValue: c.Name })) };
  return {
    ResultSet: {
      Rows: [...(options.first ? [header] : []), ...rows.map(talkerRow)],
      ResultSetMetadata: { ColumnInfo: TOP_TALKER_COLUMNS },
    },
    NextToken: options.nextToken,
  };
}
