// Athena reuses an earlier result when the query strings match; whether it also compares execution
// parameters, or comments, is not documented. The statement itself therefore carries a digest of the
// parameters, in a predicate that is always true.
import { createHash } from 'node:crypto';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { athenaQueryText } from '../../src/engines/athena.js';
import { renderQuery } from '../../src/queries/render.js';
import { athenaEngine, EXECUTION_ID, executionIn, resultsPage, TARGET } from './athena-support.js';

const athenaMock = mockClient(AthenaClient);

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
  athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
  athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([], { first: true }));
});

const DAY = 86_400;
const BASE = Date.UTC(2026, 10, 1) / 1000;

/** Valid requests, drawn from a small space so that equal pairs occur as well as different ones. */
const request = fc.record({
  query: fc.constantFrom('top-talkers', 'rejected-ports', 'eni-bytes'),
  start: fc.integer({ min: 0, max: 3 }).map((d) => BASE + d * DAY),
  days: fc.integer({ min: 1, max: 2 }),
  limit: fc.constantFrom(5, 10),
  interface_id: fc.option(fc.constantFrom('eni-0a1b2c3d', 'eni-0a1b2c3e'), { nil: undefined }),
});

function rendered(r: { query: string; start: number; days: number; limit: number; interface_id?: string }) {
  const { query, start, days, limit, interface_id } = r;
  return renderQuery(query, { start, end: start + days * DAY, limit, ...(interface_id && { interface_id }) }, TARGET);
}

describe('the query text Athena receives', () => {
  test('is equal for two requests exactly when their SQL and every parameter value are equal', () => {
    let equalPairs = 0;
    let sameSqlOtherValues = 0;
    fc.assert(
      // Half the pairs repeat the first request, rendered anew.
      fc.property(request, fc.option(request, { nil: undefined }), (a, other) => {
        const b = other ?? { ...a };
        const [qa, qb] = [rendered(a), rendered(b)];
        const sameRequest = qa.sql === qb.sql && JSON.stringify(qa.executionParameters) === JSON.stringify(qb.executionParameters);
        if (sameRequest) equalPairs++;
        else if (qa.sql === qb.sql) sameSqlOtherValues++;

        expect(athenaQueryText(qa) === athenaQueryText(qb)).toBe(sameRequest);
      }),
      { numRuns: 2000 },
    );
    // The property says something only if both kinds of pair occur often.
    expect(equalPairs).toBeGreaterThan(200);
    expect(sameSqlOtherValues).toBeGreaterThan(50);
  });

  test('differs for two requests that differ only in one value, and is the same for identical values, with no comment in it', () => {
    const range = { start: BASE, end: BASE + DAY };
    const [a, b, again] = ['eni-0a1b2c3d', 'eni-0a1b2c3e', 'eni-0a1b2c3d'].map((interface_id) =>
      renderQuery('top-talkers', { ...range, interface_id }, TARGET),
    );

    const [textA, textB, textAgain] = [a, b, again].map(athenaQueryText);

    expect([a.sql === b.sql, textA === textB, textA === textAgain]).toEqual([true, false, true]);
    expect([textA, textB].filter((t) => t.includes('--'))).toEqual([]);
  });

  test('differs for two days of the same template, whose SQL is the same, in the digest predicate only', () => {
    const day1 = renderQuery('top-talkers', { start: BASE, end: BASE + DAY }, TARGET);
    const day2 = renderQuery('top-talkers', { start: BASE + DAY, end: BASE + 2 * DAY }, TARGET);

    const [text1, text2] = [athenaQueryText(day1), athenaQueryText(day2)];

    expect(day1.sql).toBe(day2.sql);
    expect(text1).not.toBe(text2);
    expect(text1.replace(/ AND 'p:[0-9a-f]{64}' <> ''/, '')).toBe(day1.sql);
    expect(text2.replace(/ AND 'p:[0-9a-f]{64}' <> ''/, '')).toBe(day2.sql);
  });

  test('is what the engine sends with reuse on: the SQL with an always-true predicate on the SHA-256 of the parameter literals, in the WHERE clause', async () => {
    // Arrange
    const engine = athenaEngine({ database: 'flowq', workgroup: 'flowq', resultReuseMinutes: 60 });
    const days = [0, 1, 0].map((d) => renderQuery('top-talkers', { start: BASE + d * DAY, end: BASE + (d + 1) * DAY }, TARGET));

    // Act
    for (const q of days) await engine.run(q);

    // Assert
    const sent = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    const expected = days.map((q) => {
      const digest = createHash('sha256').update(JSON.stringify(q.executionParameters)).digest('hex');
      return q.sql.replace('\nWHERE dt BETWEEN ? AND ?\n', `\nWHERE dt BETWEEN ? AND ? AND 'p:${digest}' <> ''\n`);
    });
    expect(expected.every((text, i) => text !== days[i].sql)).toBe(true);
    expect(sent.map((s) => s.QueryString)).toEqual(expected);
    expect(sent.map((s) => s.ResultReuseConfiguration)).toEqual(days.map(() => ({ ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } })));
    expect(new Set(sent.map((s) => s.QueryString)).size).toBe(2);
  });
});
