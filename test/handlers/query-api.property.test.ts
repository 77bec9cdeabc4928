import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { validateParams } from '../../src/queries/params.js';
import { getTemplate } from '../../src/queries/templates.js';
import { EXECUTION_ID, executionIn, resultsPage } from '../engines/athena-support.js';
import { getExecutionEvent, lambdaContext, parsed, postEvent, testApi } from './handler-support.js';

const runQueryHttp = await import('../../handlers/run-query-http.js');
const getExecution = await import('../../handlers/get-execution.js');

const athenaMock = mockClient(AthenaClient);
const api = testApi();
const postHandler = runQueryHttp.createHandler(api);
const getHandler = getExecution.createHandler(api);

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
  athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
  athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1], { first: true }));
});

/** Pieces of text an attacker would try: quotes, terminators, comments, keywords, placeholders. */
const hostilePiece = fc.constantFrom(
  "'",
  "''",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  ' OR 1=1',
  'DROP TABLE flow_logs',
  'UNION SELECT *',
  '\\',
  '\n',
  '{{table}}',
  ':start',
  '?',
  '$1',
  'eni-',
);
const hostile = fc.array(fc.oneof(hostilePiece, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
const hex = fc.constantFrom(...'0123456789abcdef');
const validEni = fc.string({ unit: hex, minLength: 8, maxLength: 17 }).map((h) => `eni-${h}`);
const DAY = 86_400;
const BASE = Date.UTC(2026, 10, 1) / 1000;
const time = fc.integer({ min: BASE, max: BASE + 40 * DAY });

const timeForm = (t: number) => fc.constantFrom<string | number>(t, String(t), new Date(t * 1000).toISOString().replace('.000Z', 'Z'));

/** Parameters that pass validation (for top-talkers; the other templates refuse `action`). */
const validParams = fc
  .record({
    start: time,
    span: fc.integer({ min: 60, max: 31 * DAY }),
    limit: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    interface_id: fc.option(validEni, { nil: undefined }),
    action: fc.option(fc.constantFrom('ACCEPT', 'REJECT'), { nil: undefined }),
  })
  .chain(({ start, span, ...rest }) =>
    fc.record({ start: timeForm(start), end: timeForm(start + span) }).map((times) => {
      const out: Record<string, unknown> = { ...times };
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
      return out;
    }),
  );

/** Values that replace a valid one: hostile text, odd JSON, out-of-range numbers. */
const mutations = fc.record(
  {
    start: fc.oneof(hostile, fc.jsonValue()),
    end: fc.oneof(hostile, fc.jsonValue(), time),
    limit: fc.oneof(fc.integer({ min: -5, max: 1200 }), hostile, fc.jsonValue()),
    interface_id: fc.oneof(hostile, fc.jsonValue()),
    action: fc.oneof(hostile, fc.jsonValue()),
    other: fc.oneof(hostile, fc.jsonValue()),
  },
  { requiredKeys: [] },
);

/** Parameter objects: valid ones, and valid ones with some values replaced by hostile or odd ones. */
const params: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { arbitrary: validParams, weight: 2 },
  { arbitrary: fc.tuple(validParams, mutations).map(([valid, bad]) => ({ ...valid, ...bad })), weight: 3 },
);

const templateName = fc.constantFrom('top-talkers', 'rejected-ports', 'eni-bytes');

function epochOf(value: unknown): number {
  return typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value)) / 1000;
}

describe('POST /queries/{name} over generated parameters', () => {
  test('never answers 5xx, sends nothing unless every value passed validation, and never puts a value in QueryString', async () => {
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(templateName, params, async (name, raw) => {
        athenaMock.resetHistory();

        const answer = parsed(await postHandler(postEvent(JSON.stringify({ params: raw }), { name }), lambdaContext()));

        expect([200, 400, 422]).toContain(answer.statusCode);
        statuses.push(answer.statusCode);
        const starts = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
        if (answer.statusCode !== 200) {
          expect(athenaMock.calls()).toHaveLength(0);
          return;
        }
        expect(starts).toHaveLength(1);
        const template = getTemplate(name);
        expect(() => validateParams(template.params, raw)).not.toThrow();
        const { QueryString = '', ExecutionParameters = [] } = starts[0];
        const filters = template.params.filter((p) => p.kind === 'pattern' || p.kind === 'enum').map((p) => raw[p.name] as string | undefined);
        for (const value of filters) if (value !== undefined) expect(QueryString).not.toContain(value);
        expect(QueryString).not.toMatch(/'\d{4}\/\d{2}\/\d{2}'|\b1[0-9]{9}\b/);
        expect(ExecutionParameters.slice(0, 2).every((p) => /^'\d{4}\/\d{2}\/\d{2}'$/.test(p))).toBe(true);
        expect(ExecutionParameters.slice(2)).toEqual([
          String(epochOf(raw.start)),
          String(epochOf(raw.end)),
          ...filters.filter((v) => v !== undefined).map((v) => `'${v}'`),
        ]);
      }),
      { numRuns: 300 },
    );
    // The property says something only if both answers occur often.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(30);
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(30);
  });

  test('whatever the parameters, the SQL beside the digest predicate depends only on the template, which filters are given, and the limit', async () => {
    const seen = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(templateName, params, async (name, raw) => {
        athenaMock.resetHistory();
        await postHandler(postEvent(JSON.stringify({ params: raw }), { name }), lambdaContext());
        const start = athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
        if (start === undefined) return;
        const shape = JSON.stringify([
          name,
          raw.interface_id !== undefined,
          getTemplate(name).params.some((p) => p.name === 'action') && raw.action !== undefined,
          raw.limit ?? 10,
        ]);
        const before = seen.get(shape);
        const sql = (start.QueryString ?? '').replace(/ AND 'p:[0-9a-f]{64}' <> ''/, '');
        if (before !== undefined) expect(sql).toBe(before);
        seen.set(shape, sql);
      }),
      { numRuns: 300 },
    );
  });
});

describe('POST /queries/{name} over generated raw bodies', () => {
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'text/plain', 'application/xml', null);
  const body = fc.oneof(
    fc.string(),
    fc.json(),
    fc.jsonValue().map((v) => JSON.stringify({ params: v })),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    hostile,
    fc.constant(undefined),
  );

  test('never answers 5xx, and sends nothing to Athena for any answer but 200', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, templateName, async (text, type, name) => {
        athenaMock.resetHistory();

        const answer = parsed(await postHandler(postEvent(text, { contentType: type, name }), lambdaContext()));

        expect(answer.statusCode).toBeLessThan(500);
        expect((answer.body as { error?: { code: string } }).error?.code ?? 'OK').not.toBe('INTERNAL_ERROR');
        if (answer.statusCode !== 200) expect(athenaMock.calls()).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('GET /executions/{id} over generated ids and query strings', () => {
  test('never answers 5xx, and asks Athena only about ids shaped like UUIDs', async () => {
    const id = fc.oneof(fc.uuid(), fc.string(), hostile);
    const query = fc.dictionary(fc.constantFrom('nextToken', 'pageSize', 'page', 'x'), fc.oneof(fc.string(), fc.integer().map(String)), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(id, query, async (executionId, qs) => {
        athenaMock.resetHistory();

        const answer = parsed(await getHandler(getExecutionEvent(executionId, qs), lambdaContext()));

        expect(answer.statusCode).toBeLessThan(500);
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(executionId)) expect(athenaMock.calls()).toHaveLength(0);
      }),
      { numRuns: 200 },
    );
  });
});
