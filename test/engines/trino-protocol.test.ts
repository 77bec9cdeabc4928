/**
 * The Trino engine's side of Trino's client protocol, against a small HTTP server on 127.0.0.1 that
 * answers as a coordinator does: what is sent (prepared statement, literals, credentials), how pages
 * are followed, and what a deadline, a busy server, a refusal and a large bigint become. The real
 * engine's answers are checked in trino.test.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryFailed, QueryTimedOut, UnknownExecution } from '../../src/errors.js';
import { DEFAULT_LOG_FORMAT } from '../../src/flowlog/format.js';
import { layoutOfDt, parseTrinoJson, TrinoEngine, type TrinoSettings } from '../../src/engines/trino.js';
import { renderQuery } from '../../src/queries/render.js';
import { stopWorkInFlight } from '../../src/engines/stop.js';
import { FakeClock } from '../support/fake-clock.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A coordinator that answers each request with the next scripted reply (a status and a JSON text). */
function coordinator(replies: Array<(base: string) => { status: number; body: string }>): { server: Server; received: Received[]; url: () => string } {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const reply = replies.shift()?.(url()) ?? { status: 500, body: 'no reply scripted' };
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(reply.body);
    });
  });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, received, url };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

const page = (body: object) => () => ({ status: 200, body: JSON.stringify(body) });
const TABLE: Omit<TrinoSettings, 'server'> = {
  catalog: 'hive',
  schema: 'flowq',
  table: 'flow_logs',
  user: 'analyst',
  logFormat: DEFAULT_LOG_FORMAT,
  layout: { hiveCompatiblePartitions: false, perHourPartition: true },
};
const DAY = { start: '2026-11-27T00:00:00Z', end: '2026-11-28T00:00:00Z' };

describe('the Trino engine on the client protocol', () => {
  let servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    servers = [];
  });

  async function open(replies: Parameters<typeof coordinator>[0], settings: Partial<TrinoSettings> = {}, clock = new FakeClock()) {
    const c = coordinator(replies);
    servers.push(c.server);
    await listen(c.server);
    const engine = await TrinoEngine.open({ ...TABLE, server: c.url(), ...settings }, undefined, clock);
    return { engine, received: c.received };
  }

  test('sends the template prepared, with Athena literals in EXECUTE ... USING, follows nextUri and decodes the rows', async () => {
    // Arrange
    const { engine, received } = await open([
      (base) => ({ status: 200, body: JSON.stringify({ id: 'q1', nextUri: `${base}/v1/statement/executing/q1/1`, stats: { state: 'QUEUED' } }) }),
      (base) => ({
        status: 200,
        body:
          '{"id":"q1","nextUri":"' +
          base +
          '/v1/statement/executing/q1/2","columns":[{"name":"srcaddr","type":"varchar(64)"},{"name":"bytes","type":"bigint"},{"name":"flows","type":"bigint"}],' +
          '"data":[["10.0.0.1",9223372036854775807,3],["it\'s \\"quoted\\" 12345678901234567890",42,1]],"stats":{"state":"RUNNING"}}',
      }),
      page({ id: 'q1', stats: { state: 'FINISHED', physicalInputBytes: 2048, elapsedTimeMillis: 31, queuedTimeMillis: 2 } }),
    ]);
    const query = renderQuery('top-talkers', { ...DAY, limit: 5, interface_id: 'eni-0a1b2c3d' }, engine.target);
    const progress: string[] = [];

    // Act
    const result = await engine.run(query, { onProgress: (p) => progress.push(p.state) });

    // Assert: the SQL travels in the header, the values only as literals after USING.
    expect(received.map((r) => [r.method, r.path.replace(/\d+$/, 'N')])).toEqual([
      ['POST', '/v1/statement'],
      ['GET', '/v1/statement/executing/q1/N'],
      ['GET', '/v1/statement/executing/q1/N'],
    ]);
    const [post] = received;
    expect(post.body).toBe(`EXECUTE flowq_statement USING ${query.executionParameters.join(', ')}`);
    expect(post.headers['x-trino-prepared-statement']).toBe(`flowq_statement=${encodeURIComponent(query.sql)}`);
    expect(post.body).not.toContain('SELECT');
    expect(query.sql).not.toContain('eni-0a1b2c3d');
    expect({
      user: post.headers['x-trino-user'],
      catalog: post.headers['x-trino-catalog'],
      schema: post.headers['x-trino-schema'],
      auth: post.headers.authorization,
    }).toEqual({
      user: 'analyst',
      catalog: 'hive',
      schema: 'flowq',
      auth: undefined,
    });
    expect(result.columns).toEqual([
      { name: 'srcaddr', type: 'varchar' },
      { name: 'bytes', type: 'bigint' },
      { name: 'flows', type: 'bigint' },
    ]);
    // A bigint beyond 2^53 keeps its digits as text; digits inside a string stay the string's.
    expect(result.rows).toEqual([
      { srcaddr: '10.0.0.1', bytes: '9223372036854775807', flows: 3 },
      { srcaddr: 'it\'s "quoted" 12345678901234567890', bytes: 42, flows: 1 },
    ]);
    expect(result.stats).toEqual({ engine: 'trino', rowsReturned: 2, elapsedMs: 0, dataScannedBytes: 2048, engineExecutionMs: 31, queueMs: 2 });
    expect(progress).toEqual(['QUEUED', 'RUNNING', 'FINISHED']);
  });

  test('asks again when the coordinator is busy (503)', async () => {
    const { engine, received } = await open([
      () => ({ status: 503, body: '' }),
      page({ id: 'q2', columns: [{ name: 'n', type: 'integer' }], data: [[1]], stats: { state: 'FINISHED' } }),
    ]);
    const result = await engine.run({ ...renderQuery('eni-bytes', DAY, engine.target) });
    expect({ calls: received.length, rows: result.rows }).toEqual({ calls: 2, rows: [{ n: 1 }] });
  });

  test("a refused query fails with Trino's message in one line", async () => {
    const { engine } = await open([
      page({ id: 'q3', error: { message: "line 1:8: Column 'x' cannot be resolved", errorName: 'COLUMN_NOT_FOUND', errorType: 'USER_ERROR' } }),
    ]);
    await expect(engine.run(renderQuery('eni-bytes', DAY, engine.target))).rejects.toEqual(
      new QueryFailed("Trino query q3 failed: line 1:8: Column 'x' cannot be resolved"),
    );
  });

  test('refused credentials and other HTTP statuses are one line naming the server', async () => {
    const { engine } = await open([() => ({ status: 401, body: 'Unauthorized\nmore' })], {});
    const server = (engine as unknown as { connection: { settings: { server: string } } }).connection.settings.server;
    await expect(engine.run(renderQuery('eni-bytes', DAY, engine.target))).rejects.toEqual(
      new QueryFailed(`Trino at ${server} refused the credentials (set FLOWQ_TRINO_PASSWORD or FLOWQ_TRINO_TOKEN): Unauthorized`),
    );
  });

  test('sends a bearer token, or a password as basic authentication over https only', async () => {
    const { engine, received } = await open([page({ id: 'q4', stats: { state: 'FINISHED' } })], { token: 'tok.en' });
    await engine.run(renderQuery('eni-bytes', DAY, engine.target));
    expect(received[0].headers.authorization).toBe('Bearer tok.en');
    await expect(TrinoEngine.open({ ...TABLE, server: 'http://127.0.0.1:1', password: 'secret' })).rejects.toThrow(
      'Trino accepts a password over https only: use an https:// server',
    );
  });

  test('cancels the query (DELETE on its next URI) when the deadline has passed', async () => {
    const clock = new FakeClock();
    const { engine, received } = await open(
      [
        (base) => ({ status: 200, body: JSON.stringify({ id: 'q5', nextUri: `${base}/v1/statement/executing/q5/1`, stats: { state: 'RUNNING' } }) }),
        () => ({ status: 204, body: '' }),
      ],
      {},
      clock,
    );
    const query = renderQuery('eni-bytes', DAY, engine.target);
    const run = engine.run(query, { deadline: clock.now() - 1 });
    await expect(run).rejects.toEqual(new QueryTimedOut('eni-bytes did not finish before its deadline; Trino query q5 was cancelled'));
    expect(received.map((r) => r.method)).toEqual(['POST', 'DELETE']);
  });

  test('an ending process (SIGINT, SIGTERM) cancels the running query (DELETE on its next URI)', async () => {
    // A coordinator whose query keeps running: the client's GET is held until the query is cancelled.
    const received: string[] = [];
    let held: ServerResponse | undefined;
    const server = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      res.writeHead(req.method === 'DELETE' ? 204 : 200, { 'Content-Type': 'application/json' });
      if (req.method === 'POST') res.end(JSON.stringify({ id: 'q7', nextUri: `${base}/v1/statement/executing/q7/1`, stats: { state: 'RUNNING' } }));
      else if (req.method === 'GET') held = res;
      else {
        res.end();
        held?.end(JSON.stringify({ id: 'q7', error: { message: 'Query was canceled', errorName: 'USER_CANCELED' } }));
      }
    });
    servers.push(server);
    await listen(server);
    const engine = await TrinoEngine.open({ ...TABLE, server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const run = engine.run(renderQuery('eni-bytes', DAY, engine.target), { deadline: Date.now() + 3_600_000 });
    while (held === undefined) await new Promise((resolve) => setTimeout(resolve, 10));

    await stopWorkInFlight();

    await expect(run).rejects.toThrow('Trino query q7 was cancelled: Query was canceled');
    expect(received).toEqual(['POST /v1/statement', 'GET /v1/statement/executing/q7/1', 'DELETE /v1/statement/executing/q7/1']);
  });

  test("a sum past bigint fails naming the template and the range's partitions, as every engine names it", async () => {
    const { engine } = await open([
      page({
        id: 'q6',
        error: { message: 'bigint addition overflow: 9223372036854775807 + 100', errorName: 'NUMERIC_VALUE_OUT_OF_RANGE', errorType: 'USER_ERROR' },
      }),
    ]);
    const query = renderQuery('eni-bytes', DAY, engine.target);
    await expect(engine.run(query)).rejects.toEqual(
      new QueryFailed(
        `eni-bytes: a sum passes the largest bigint (9223372036854775807) in partitions ${query.partitions.from} to ${query.partitions.to}: a record there holds a value no flow reaches (Trino query q6)`,
      ),
    );
  });

  test('an unreachable server is one line naming it', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await listen(probe);
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    await expect(TrinoEngine.open({ ...TABLE, logFormat: undefined, server: `http://127.0.0.1:${port}` })).rejects.toEqual(
      new QueryFailed(`cannot reach Trino at http://127.0.0.1:${port}: ECONNREFUSED`),
    );
  });

  test('reads the log format from the columns and the layout from a partition when they are not given', async () => {
    const { engine, received } = await open(
      [
        page({
          id: 'c',
          columns: [{ name: 'column_name', type: 'varchar' }],
          data: [['version'], ['vpc_id'], ['srcaddr'], ['bytes'], ['start'], ['end'], ['aws_account'], ['aws_region'], ['dt']],
          stats: { state: 'FINISHED' },
        }),
        page({ id: 'p', columns: [{ name: 'dt', type: 'varchar' }], data: [['year=2026/month=11/day=27/hour=05']], stats: { state: 'FINISHED' } }),
      ],
      { logFormat: undefined, layout: undefined },
    );
    expect({ format: engine.target.logFormat.text, layout: engine.target.layout }).toEqual({
      format: '${version} ${vpc-id} ${srcaddr} ${bytes} ${start} ${end}',
      layout: { hiveCompatiblePartitions: true, perHourPartition: true },
    });
    // The table's own name is checked, and bound, never spliced into the catalogue query.
    expect(received[0].body).toBe("EXECUTE flowq_statement USING 'flowq', 'flow_logs'");
    expect(received[1].body).toBe('SELECT dt FROM "flow_logs$partitions" LIMIT 1');
  });

  test('keeps no result to fetch later by id', async () => {
    const { engine } = await open([]);
    await expect(engine.view('q9')).rejects.toBeInstanceOf(UnknownExecution);
  });
});

describe('parseTrinoJson', () => {
  test.each([
    [
      '[9007199254740993, -9223372036854775808, 1.5e300, 12, "9007199254740993"]',
      ['9007199254740993', '-9223372036854775808', 1.5e300, 12, '9007199254740993'],
    ],
    ['{"a":"x\\\\","b":123456789012345678}', { a: 'x\\', b: '123456789012345678' }],
    ['[-0.5, 3.25, 9007199254740991]', [-0.5, 3.25, 9007199254740991]],
  ])('%s keeps every digit of large integers', (text, expected) => {
    expect(parseTrinoJson(text)).toEqual(expected);
  });
});

describe('layoutOfDt', () => {
  test.each([
    ['2026/11/27', false, false],
    ['2026/11/27/05', false, true],
    ['year=2026/month=11/day=27', true, false],
    ['year=2026/month=11/day=27/hour=05', true, true],
  ])('%s', (dt, hive, perHour) => {
    expect(layoutOfDt(dt)).toEqual({ hiveCompatiblePartitions: hive, perHourPartition: perHour });
  });
});
