// The query handlers in local mode, under a real `sls invoke local` and a real serverless-offline,
// answering from a sample data set exactly as `flowq run ... --output json` answers from it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/cli/main.js';
import { TEMPLATES } from '../../src/queries/templates.js';
import { writeSample } from '../../src/sample/generate.js';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const SLS = join(ROOT, 'node_modules/osls/bin/serverless.js');
const UNTIL = Date.UTC(2026, 10, 27) / 1000;
const FIRST_DAY = { start: '2026-11-25T00:00:00Z', end: '2026-11-26T00:00:00Z' };

let server: ChildProcess | undefined;
let output = '';
let base = '';
let data = '';

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serverless-offline did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const watch = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/Server ready/.test(output)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serverless-offline exited with ${code}:\n${output}`));
    });
  });
}

/** `flowq run <args> --output json`, through the CLI's own entry point. */
async function flowqRunJson(args: string[]): Promise<unknown> {
  let stdout = '';
  let stderr = '';
  const code = await main(['run', ...args, '--output', 'json'], { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  if (code !== 0) throw new Error(`flowq run exited with ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

async function post(path: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: await response.json() };
}

/** The environment of a local-mode run of the handlers. */
function localEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: data, SLS_TELEMETRY_DISABLED: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' };
}

beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), 'flowq-offline-'));
  await writeSample({ out: data, days: 2, records: 6000, seed: 11, until: UNTIL });
}, 60_000);

afterAll(() => {
  if (data) rmSync(data, { recursive: true, force: true });
});

// Runs before serverless-offline starts: both build into .esbuild/.
describe('sls invoke local in local mode', () => {
  test('sls invoke local -f runQuery, with FLOWQ_LOCAL_DATA relative as docs/http-api.md writes it, returns the document `flowq run --output json` prints', async () => {
    const params = { ...FIRST_DAY, limit: 4 };
    const cli = (await flowqRunJson(['top-talkers', '--data', data, '--start', params.start, '--end', params.end, '--limit', '4'])) as Record<string, unknown>;

    // Started in the project folder as a shell and npx start it; the handler itself runs in the build folder.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [SLS, 'invoke', 'local', '-f', 'runQuery', '--data', JSON.stringify({ query: 'top-talkers', params })],
      {
        cwd: ROOT,
        env: { ...localEnvironment(), FLOWQ_LOCAL_DATA: relative(ROOT, data), PWD: ROOT, INIT_CWD: ROOT },
      },
    );

    const { stats, ...document } = JSON.parse(stdout) as Record<string, unknown>;
    const { stats: _cliStats, ...cliDocument } = cli;
    expect(document).toEqual(cliDocument);
    expect([(stats as { engine: string }).engine, (document.rows as unknown[]).length]).toEqual(['local', 4]);
  }, 120_000);
});

describe('serverless-offline in local mode', () => {
  beforeAll(async () => {
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    server = spawn(process.execPath, [SLS, 'offline', 'start', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort)], {
      cwd: ROOT,
      env: localEnvironment(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = `http://localhost:${httpPort}`;
    await waitForReady(server, 150_000);
  }, 180_000);

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((done) => server?.once('exit', done));
      // serverless-offline runs handlers in workers of its own process group: end the whole group.
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
  }, 30_000);

  test.each([
    ['top-talkers', { ...FIRST_DAY, limit: 10 }],
    ['top-talkers', { ...FIRST_DAY, limit: 5, action: 'REJECT' }],
    ['rejected-ports', { ...FIRST_DAY }],
    ['eni-bytes', { start: '2026-11-25T06:00:00Z', end: '2026-11-26T18:00:00Z', limit: 20 }],
  ])('POST /queries/%s answers %j with the rows `flowq run --output json` prints', async (name, params) => {
    // Arrange
    const flags = Object.entries(params).flatMap(([k, v]) => [`--${k.replaceAll('_', '-')}`, String(v)]);
    const cli = (await flowqRunJson([name, '--data', data, ...flags])) as Record<string, unknown>;

    // Act
    const answer = await post(`/queries/${name}`, JSON.stringify({ params }));

    // Assert
    expect(answer.status).toBe(200);
    const { stats, ...document } = answer.body as Record<string, unknown>;
    const { stats: cliStats, ...cliDocument } = cli;
    expect(document).toEqual(cliDocument);
    expect((document.rows as unknown[]).length).toBeGreaterThan(0);
    expect([(stats as { engine: string }).engine, (cliStats as { engine: string }).engine]).toEqual(['local', 'local']);
  });

  test('GET /queries lists every template', async () => {
    const response = await fetch(`${base}/queries`);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { queries: { name: string }[] }).queries.map((q) => q.name)).toEqual([...TEMPLATES.keys()]);
  });

  test('errors come back in the JSON error shape through the real HTTP server', async () => {
    const answers = [
      await post('/queries/top-talkers', JSON.stringify({ params: { start: 'then', end: FIRST_DAY.end } })),
      await post('/queries/nope', JSON.stringify({ params: FIRST_DAY })),
      await post('/queries/top-talkers', 'start=1', 'text/plain'),
      await post('/queries/top-talkers', '{"params": '),
      await fetch(`${base}/executions/5b1a0c1e-8c1b-4a57-9c2b-2f7c9f0e1d11`).then(async (r) => ({ status: r.status, body: await r.json() })),
    ];

    expect(answers.map((a) => [a.status, (a.body as { error?: { code: string } } | undefined)?.error?.code])).toEqual([
      [400, 'INVALID_PARAMETER'],
      [404, 'UNKNOWN_QUERY'],
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [422, 'MALFORMED_JSON'],
      [404, 'UNKNOWN_EXECUTION'],
    ]);
  });
});
