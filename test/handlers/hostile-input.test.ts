// Requests built to break the API: huge values, times past year 9999, local-mode data errors.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { writeSample } from '../../src/sample/generate.js';
import { parseDate } from '../../src/time.js';
import { useTempDir } from '../support/tmp.js';
import { lambdaContext, parsed, postEvent, testApi } from './handler-support.js';

const runQueryHttp = await import('../../handlers/run-query-http.js');

const athenaMock = mockClient(AthenaClient);
const tmp = useTempDir('flowq-hostile-');
const RANGE = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };
const MEGABYTE = 'x'.repeat(1_000_000);

async function post(
  params: unknown,
  env: Record<string, string> = {},
): Promise<{ statusCode: number; raw: string; body: { error: { code: string; message: string; details?: { param: string; message: string }[] } } }> {
  const result = (await runQueryHttp.createHandler(testApi(env))(postEvent(JSON.stringify({ params })), lambdaContext())) as { body: string };
  const answer = parsed(result);
  return { statusCode: answer.statusCode, raw: result.body, body: answer.body as never };
}

beforeEach(() => athenaMock.reset());

describe('POST /queries/{name} with hostile input', () => {
  test.each([
    ['a parameter name', { ...RANGE, [MEGABYTE]: 1 }],
    ['a time value', { ...RANGE, start: MEGABYTE }],
    ['an interface id', { ...RANGE, interface_id: MEGABYTE }],
    ['a limit', { ...RANGE, limit: MEGABYTE }],
  ])('answers 400 echoing at most a short prefix of %s of 1 MB', async (_what, params) => {
    const answer = await post(params);

    expect(answer.statusCode).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_PARAMETER');
    expect(answer.raw.length).toBeLessThan(1000);
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('names a 1 MB unknown parameter by its first 64 characters and its length', async () => {
    const answer = await post({ ...RANGE, [MEGABYTE]: 1 });

    const param = `${'x'.repeat(64)}… (1000000 characters)`;
    expect(answer.body.error.details).toEqual([
      { param, message: 'unknown parameter; expected one of start, end, limit, interface_id, vpc_id, subnet_id, action, protocol, src_cidr, dst_cidr' },
    ]);
    expect(answer.body.error.message).toBe(
      `${param}: unknown parameter; expected one of start, end, limit, interface_id, vpc_id, subnet_id, action, protocol, src_cidr, dst_cidr`,
    );
  });

  test.each([8_640_000_000_000, 253_402_300_800, 99_999_999_999_999])('answers 400, not 500, for the JSON time %d (past 9999-12-31)', async (time) => {
    const answer = await post({ start: time, end: time + 1 });

    const message = 'must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z';
    expect(answer).toMatchObject({
      statusCode: 400,
      body: {
        error: {
          code: 'INVALID_PARAMETER',
          details: [
            { param: 'start', message },
            { param: 'end', message },
          ],
        },
      },
    });
  });
});

describe('POST /queries/{name} in local mode', () => {
  test('answers 422 for a missing data folder without the server path', async () => {
    const missing = join(tmp(), 'srv', 'no-such-folder');

    const answer = await post(RANGE, { FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: missing });

    expect(answer.statusCode).toBe(422);
    expect(answer.body.error.code).toBe('DATA_ERROR');
    expect(answer.body.error.message).toContain('no-such-folder');
    expect(answer.raw).not.toContain(tmp());
  });

  test('answers 422 for a corrupt file naming it by its key under AWSLogs/, not by its server path', async () => {
    const data = join(tmp(), 'data');
    await writeSample({ out: data, days: 1, records: 300, flowLogs: 1, until: parseDate('2026-11-27') });
    const folder = join(data, 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/26');
    const name = readdirSync(folder).sort()[2];
    const bytes = readFileSync(join(folder, name));
    writeFileSync(join(folder, name), bytes.subarray(0, bytes.length - 40));

    const answer = await post(RANGE, { FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: data });

    expect(answer.statusCode).toBe(422);
    expect(answer.body.error.message).toContain(`AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/26/${name}`);
    expect(answer.raw).not.toContain(tmp());
  });
});
