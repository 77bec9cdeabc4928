import { createError } from '@middy/util';
import { toErrorAnswer, withoutServerPaths } from '../../src/http/errors.js';
import { validationProblems } from '../../src/http/validate.js';
import {
  DataError,
  InvalidConfiguration,
  InvalidParameter,
  QueryCancelled,
  QueryFailed,
  QueryTimedOut,
  UnknownExecution,
  UnknownQuery,
  ERROR_OUTCOMES,
  type ErrorCode,
} from '../../src/errors.js';
import { ERROR_EXAMPLES } from '../support/error-examples.js';

const ID = '5b1a0c1e-8c1b-4a57-9c2b-2f7c9f0e1d11';
const INTERNAL = { statusCode: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'internal error' } } };

describe('toErrorAnswer', () => {
  test.each([
    [
      new InvalidParameter([{ param: 'limit', message: 'must be between 1 and 1000' }]),
      {
        statusCode: 400,
        body: {
          error: {
            code: 'INVALID_PARAMETER',
            message: 'limit: must be between 1 and 1000',
            details: [{ param: 'limit', message: 'must be between 1 and 1000' }],
          },
        },
      },
    ],
    [new UnknownQuery('unknown query'), { statusCode: 404, body: { error: { code: 'UNKNOWN_QUERY', message: 'unknown query' } } }],
    [
      new UnknownExecution(`no query execution ${ID}`),
      { statusCode: 404, body: { error: { code: 'UNKNOWN_EXECUTION', message: `no query execution ${ID}` } } },
    ],
    [new DataError('no flow-log files'), { statusCode: 422, body: { error: { code: 'DATA_ERROR', message: 'no flow-log files' } } }],
    [
      new QueryFailed('failed: HIVE_BAD_DATA', { executionId: ID, errorCategory: 2 }),
      { statusCode: 502, body: { error: { code: 'QUERY_FAILED', message: 'failed: HIVE_BAD_DATA', executionId: ID } } },
    ],
    [
      new QueryCancelled('cancelled', { executionId: ID }),
      { statusCode: 502, body: { error: { code: 'QUERY_CANCELLED', message: 'cancelled', executionId: ID } } },
    ],
    [new QueryTimedOut('stopped', { executionId: ID }), { statusCode: 504, body: { error: { code: 'QUERY_TIMED_OUT', message: 'stopped', executionId: ID } } }],
    [createError(415, 'Unsupported Media Type'), { statusCode: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type' } } }],
    [
      createError(422, 'Invalid or malformed JSON was provided'),
      { statusCode: 422, body: { error: { code: 'MALFORMED_JSON', message: 'Invalid or malformed JSON was provided' } } },
    ],
    [createError(413, 'Payload Too Large'), { statusCode: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Payload Too Large' } } }],
    [createError(405, 'Method Not Allowed'), { statusCode: 405, body: { error: { code: 'HTTP_405', message: 'Method Not Allowed' } } }],
  ])('%s answers as its type says', (error, answer) => {
    expect(toErrorAnswer(error)).toEqual(answer);
  });

  test.each([
    ['a configuration error', new InvalidConfiguration('environment variable FLOWQ_DATABASE is required')],
    ['a plain Error with a stack', new Error('Cannot read properties of undefined (reading "rows")')],
    ['an AWS client without a region', new Error('Region is missing')],
    ['an HTTP error not meant for callers', createError(400, 'secret', { expose: false })],
    ['a 5xx HTTP error', createError(503, 'upstream down')],
    ['a thrown string', 'boom'],
    ['null', null],
    ['undefined', undefined],
  ])('%s becomes a 500 that says nothing about the inside', (_, error) => {
    expect(toErrorAnswer(error)).toEqual(INTERNAL);
  });
});

describe('what each error code answers', () => {
  const answerOf = (code: ErrorCode) => {
    const error = ERROR_EXAMPLES[code]();
    return { error, answer: toErrorAnswer(error) };
  };
  const REQUEST_MISTAKES: ErrorCode[] = ['INVALID_PARAMETER', 'INVALID_LOG_FORMAT', 'USAGE'];
  const NOT_FOUND: ErrorCode[] = ['UNKNOWN_QUERY', 'UNKNOWN_EXECUTION'];
  const UNREADABLE_DATA: ErrorCode[] = ['DATA_ERROR'];
  const ENGINE_FAILURES: ErrorCode[] = ['QUERY_FAILED', 'QUERY_CANCELLED'];
  const AWS_REFUSALS: ErrorCode[] = ['AWS_ERROR'];
  const DEADLINES: ErrorCode[] = ['QUERY_TIMED_OUT'];
  const OPERATOR_PROBLEMS: ErrorCode[] = [
    'INVALID_CONFIGURATION',
    'AWS_SETUP',
    'INVALID_EVENT',
    'CATALOG_CONFLICT',
    'NOTIFICATION_FAILED',
    'REPORT_INCOMPLETE',
  ];

  test.each(REQUEST_MISTAKES)('%s is a mistake in the request: 400 with its code and message', (code) => {
    const { error, answer } = answerOf(code);

    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code, message: error.message } } });
  });

  test.each(NOT_FOUND)('%s names something that does not exist: 404', (code) => {
    const { error, answer } = answerOf(code);

    expect(answer).toEqual({ statusCode: 404, body: { error: { code, message: error.message } } });
  });

  test.each(UNREADABLE_DATA)('%s is data the query cannot read: 422', (code) => {
    const { error, answer } = answerOf(code);

    expect(answer).toEqual({ statusCode: 422, body: { error: { code, message: error.message } } });
  });

  test.each(ENGINE_FAILURES)('%s is the engine failing the query: 502 with the execution id', (code) => {
    const { error, answer } = answerOf(code);

    expect(answer).toEqual({ statusCode: 502, body: { error: { code, message: error.message, executionId: ID } } });
  });

  test.each(AWS_REFUSALS)("%s is an AWS service refusing a call: 502 with the service's error name, not its message (it names roles and accounts)", (code) => {
    const { answer } = answerOf(code);

    expect(answer).toEqual({ statusCode: 502, body: { error: { code, message: 'AWS refused the call: AccessDeniedException' } } });
  });

  test.each(DEADLINES)('%s is a query stopped at its deadline: 504 with the execution id', (code) => {
    const { error, answer } = answerOf(code);

    expect(answer).toEqual({ statusCode: 504, body: { error: { code, message: error.message, executionId: ID } } });
  });

  test.each(OPERATOR_PROBLEMS)("%s is the operator's problem: a 500 that says nothing about the inside", (code) => {
    expect(answerOf(code).answer).toEqual(INTERNAL);
  });

  test('every error code has one of the behaviours above', () => {
    const covered = [...REQUEST_MISTAKES, ...NOT_FOUND, ...UNREADABLE_DATA, ...ENGINE_FAILURES, ...AWS_REFUSALS, ...DEADLINES, ...OPERATOR_PROBLEMS];

    expect(covered.sort()).toEqual(Object.keys(ERROR_OUTCOMES).sort());
  });
});

describe('validationProblems', () => {
  test('names each problem after the field as the caller wrote it', () => {
    const problems = validationProblems([
      { instancePath: '/body', keyword: 'required', params: { missingProperty: 'params' } },
      { instancePath: '/body', keyword: 'additionalProperties', params: { additionalProperty: 'parms' } },
      { instancePath: '/body/params', keyword: 'errorMessage', message: 'must be an object of parameter values', params: {} },
      { instancePath: '/pathParameters/id', keyword: 'errorMessage', message: 'must be a query execution id (a UUID)', params: {} },
      { instancePath: '/queryStringParameters/pageSize', keyword: 'maximum', message: 'must be <= 1000', params: { limit: 1000 } },
      { instancePath: '/body', keyword: 'type', message: 'must be object', params: { type: 'object' } },
      { instancePath: '', keyword: 'required', params: { missingProperty: 'query' } },
    ]);

    expect(problems).toEqual([
      { param: 'params', message: 'is required' },
      { param: 'parms', message: 'is not allowed' },
      { param: 'params', message: 'must be an object of parameter values' },
      { param: 'id', message: 'must be a query execution id (a UUID)' },
      { param: 'pageSize', message: 'must be <= 1000' },
      { param: 'body', message: 'must be object' },
      { param: 'query', message: 'is required' },
    ]);
  });
});

describe('withoutServerPaths', () => {
  test.each([
    ['data folder /srv/flowq/sample does not exist', 'data folder sample does not exist'],
    ['data folder /srv/flowq/sample/ does not exist', 'data folder sample does not exist'],
    [
      '/srv/flows/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/a.log.gz is a corrupt gzip file (unexpected end of file)',
      'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/a.log.gz is a corrupt gzip file (unexpected end of file)',
    ],
    ["no AWSLogs/ folder in '/home/ana/data'", "no AWSLogs/ folder in 'data'"],
    ['no flow-log files under /d/AWSLogs (partitions 2026/11/27 to 2026/11/28)', 'no flow-log files under AWSLogs (partitions 2026/11/27 to 2026/11/28)'],
    ['cannot read s3://bucket/vpc/AWSLogs/x.log.gz', 'cannot read s3://bucket/vpc/AWSLogs/x.log.gz'],
    ['action must be ACCEPT/REJECT; 10/3 of ~/x or ./y', 'action must be ACCEPT/REJECT; 10/3 of ~/x or ./y'],
    ["src_cidr: '/33' is not a prefix length: an IPv4 network takes /0 to /32", "src_cidr: '/33' is not a prefix length: an IPv4 network takes /0 to /32"],
  ])('shows %j as %j', (message, shown) => {
    expect(withoutServerPaths(message)).toBe(shown);
  });

  test('is applied to every error answer a caller sees', () => {
    const answer = toErrorAnswer(new DataError('/var/task/data/AWSLogs/1/vpcflowlogs/r/2026/11/27/f.log.gz has no header line'));

    expect(answer).toEqual({
      statusCode: 422,
      body: { error: { code: 'DATA_ERROR', message: 'AWSLogs/1/vpcflowlogs/r/2026/11/27/f.log.gz has no header line' } },
    });
  });
});
