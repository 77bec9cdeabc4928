// One SQL text, two engines: for the same request, Athena is sent exactly the SQL and values that,
// run by the local engine on a sample data set, give the local answer, apart from the one dialect
// hook (CIDR containment).
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { createApi, type Api } from '../../src/api/backend.js';
import { answerQuery } from '../../src/api/queries.js';
import { readApiSettings } from '../../src/api/settings.js';
import { toResultDocument } from '../../src/engines/engine.js';
import { DUCKDB_CIDR_CONTAINS } from '../../src/queries/dialect.js';
import { renderQuery } from '../../src/queries/render.js';
import { writeSample } from '../../src/sample/generate.js';
import { EXECUTION_ID, executionIn, FakeClock, resultsPage } from './athena-support.js';

const athenaMock = mockClient(AthenaClient);
const UNTIL = Date.UTC(2026, 10, 27) / 1000;

/** Athena's literal for a bound value, written out independently of the renderer. */
function literal(value: { type: string; value: string | number }): string {
  return value.type === 'bigint' ? String(value.value) : `'${String(value.value).replaceAll("'", "''")}'`;
}

/** The local values in the order Athena's text reads them: its CIDR hook reads each network twice (family, then contains). */
function athenaOrder(localSql: string, values: readonly { type: string; value: string | number }[]): { type: string; value: string | number }[] {
  const uses = [...localSql.matchAll(new RegExp(`${DUCKDB_CIDR_CONTAINS}\\(\\?|\\?`, 'g'))];
  return uses.flatMap((use, i) => (use[0] === '?' ? [values[i]] : [values[i], values[i]]));
}

/** The SQL with each engine's rendering of the CIDR hook written back as the hook, so the rest must match exactly. */
function withoutHook(sql: string): string {
  return sql
    .replace(
      /CASE WHEN \(strpos\(\?, ':'\) > 0\) <> \(strpos\(CAST\(TRY_CAST\(([a-z_]+) AS IPADDRESS\) AS VARCHAR\), ':'\) > 0\) THEN false ELSE contains\(\?, TRY_CAST\(\1 AS IPADDRESS\)\) END/g,
      '{{cidr_contains(?, $1)}}',
    )
    .replace(new RegExp(`\\b${DUCKDB_CIDR_CONTAINS}\\(\\?, ([a-z_]+)\\)`, 'g'), '{{cidr_contains(?, $1)}}');
}

const LAYOUTS = [
  { name: 'plain daily', hive: false, perHour: false },
  { name: 'Hive-compatible hourly', hive: true, perHour: true },
];

describe.each(LAYOUTS)('on a $name sample', ({ hive, perHour }) => {
  let data: string;
  let local: Api;
  let athena: Api;

  beforeAll(async () => {
    data = mkdtempSync(join(tmpdir(), 'flowq-parity-'));
    await writeSample({ out: data, days: 2, records: 4000, seed: 5, until: UNTIL, hive, perHour });
    local = createApi(readApiSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: data }));
    const { target } = await local.engine();
    athena = createApi(
      readApiSettings({
        FLOWQ_DATABASE: 'flowq',
        FLOWQ_TABLE: target.table,
        FLOWQ_WORKGROUP: 'flowq',
        FLOWQ_LOG_FORMAT: target.logFormat.text,
        FLOWQ_HIVE_PARTITIONS: String(target.layout.hiveCompatiblePartitions),
        FLOWQ_PER_HOUR: String(target.layout.perHourPartition),
      }),
      new FakeClock(),
    );
  }, 60_000);

  afterAll(async () => {
    await (await local.engine()).close();
    rmSync(data, { recursive: true, force: true });
  });

  beforeEach(() => {
    athenaMock.reset();
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([], { first: true }));
  });

  test.each([
    ['top-talkers', { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z', limit: 7, action: 'ACCEPT' }],
    ['top-talkers', { start: 1795570200, end: '2026-11-26T12:30:00Z' }],
    ['rejected-ports', { start: '2026-11-25', end: '2026-11-27', limit: 3 }],
    ['eni-bytes', { start: '2026-11-25T23:00:00Z', end: '2026-11-26T01:00:00Z', interface_id: 'eni-0a1b2c3d4e5f60718' }],
    ['rejected-ports', { start: '2026-11-25', end: '2026-11-26', protocol: 'TCP' }],
    ['eni-bytes', { start: '2026-11-25', end: '2026-11-26', action: 'reject', protocol: 17 }],
    ['top-talkers', { start: '2026-11-25', end: '2026-11-26', src_cidr: '10.0.0.0/8', dst_cidr: '0.0.0.0/0' }],
    ['rejected-ports', { start: '2026-11-25', end: '2026-11-26', dst_cidr: '2001:db8::/32' }],
  ])('%s with %j: Athena receives the SQL text and values that give the local answer', async (query, params) => {
    // Arrange: the query as rendered for the local view, and what the local engine answers to it.
    const engine = await local.engine();
    const rendered = renderQuery(query, params, engine.target);
    const direct = toResultDocument(rendered, await engine.run(rendered));

    // Act
    const answers = [await answerQuery(local, { query, params }), await answerQuery(athena, { query, params, requestKey: 'r' })];

    // Assert
    const sent = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(answers[0]).toEqual({ done: true, document: { ...direct, stats: expect.any(Object) } });
    expect(answers[1].done).toBe(true);
    // With the always-true predicate that carries the parameters' digest (so result reuse never mixes two requests).
    const digestPredicate = / AND 'p:[0-9a-f]{64}' <> ''/;
    expect(
      sent.map((s) => ({
        digestPredicates: s.QueryString?.match(new RegExp(digestPredicate.source, 'g'))?.length,
        sql: withoutHook(s.QueryString?.replace(digestPredicate, '') ?? ''),
        values: s.ExecutionParameters,
      })),
    ).toEqual([{ digestPredicates: 1, sql: withoutHook(rendered.sql), values: athenaOrder(rendered.sql, rendered.values).map(literal) }]);
  });
});
