import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { statementQuery } from '../../../src/cli/sql.js';
import { InvalidParameter } from '../../../src/errors.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { checkSelectSyntax } from '../../../src/engines/local/sandbox.js';
import { renderQuery } from '../../../src/queries/render.js';
import { writeSample } from '../../../src/sample/generate.js';
import { useTempDir } from '../../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const tmp = useTempDir('flowq-local-sql-');
let engine: LocalEngine;

beforeAll(async () => {
  await writeSample({ out: join(tmp(), 'data'), days: 1, records: 2000, seed: 9, until: UNTIL });
  engine = await LocalEngine.open({ location: join(tmp(), 'data') });
});

afterAll(async () => {
  await engine?.close();
});

function statement(sql: string) {
  return statementQuery(sql, undefined, engine.target);
}

describe('LocalEngine.runStatement', () => {
  it('answers templates the same before and after the sandbox is in place', async () => {
    const target = engine.target;
    const query = renderQuery('rejected-ports', { start: UNTIL - 86_400, end: UNTIL, limit: 20 }, target);
    const before = await engine.run(query);

    await engine.runStatement(statement('SELECT count(*) AS n FROM flow_logs'));
    const after = await engine.run(query);

    expect(after.rows).toEqual(before.rows);
    expect(after.rows.length).toBeGreaterThan(0);
  });

  it('names a partition the data holds, written as the view writes dt', async () => {
    const result = await engine.runStatement(statement('SELECT DISTINCT dt FROM flow_logs ORDER BY dt'));

    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.map((r) => r.dt)).toContain(result.partitionHeld);
  });

  // These never reach the engine from `flowq sql` (the parser refuses them first); here the sandbox alone must hold.
  it.each([
    ['a copy to a file', () => `COPY (SELECT * FROM flow_logs) TO '${join(tmp(), 'copy.csv')}'`, () => join(tmp(), 'copy.csv')],
    ['an attached database', () => `ATTACH '${join(tmp(), 'attached.duckdb')}'`, () => join(tmp(), 'attached.duckdb')],
    ['an export', () => `EXPORT DATABASE '${join(tmp(), 'export')}'`, () => join(tmp(), 'export')],
  ])('refuses %s and writes nothing', async (_what, sql, path) => {
    await expect(engine.runStatement(statement(sql()))).rejects.toThrow(InvalidParameter);
    expect(existsSync(path())).toBe(false);
  });

  it.each([
    ['an installed extension', 'INSTALL httpfs'],
    ['a changed setting', 'SET enable_external_access = true'],
    ['a table', 'CREATE TABLE t AS SELECT 1'],
    ['a second statement', 'SELECT 1; SELECT 2'],
  ])('refuses %s', async (_what, sql) => {
    await expect(engine.runStatement(statement(sql))).rejects.toThrow(InvalidParameter);
    // The engine still answers afterwards.
    expect((await engine.runStatement(statement('SELECT 41 + 1 AS answer'))).rows).toEqual([{ answer: 42 }]);
  });
});

describe('checkSelectSyntax', () => {
  it('accepts a Trino query that DuckDB could not bind, since it only parses', async () => {
    await expect(
      checkSelectSyntax(
        "SELECT from_unixtime(start) AT TIME ZONE 'UTC', approx_percentile(bytes, 0.5), transform(ARRAY[1, 2], x -> x + 1) FROM vpc_logs WHERE dt BETWEEN '2026/11/01' AND '2026/11/02' GROUP BY 1",
      ),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['SELECT 1; SELECT 2', 'sql: give exactly one statement, not 2'],
    ['INSERT INTO t SELECT 1', 'sql: only queries (SELECT ...) may run'],
    ['DROP TABLE t', 'sql: only queries (SELECT ...) may run'],
  ])('refuses %s', async (sql, message) => {
    await expect(checkSelectSyntax(sql)).rejects.toThrow(new InvalidParameter([{ param: 'sql', message: message.slice('sql: '.length) }]));
  });
});
