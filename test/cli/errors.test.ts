import { reportError } from '../../src/cli/main.js';
import { ERROR_OUTCOMES, type ErrorCode } from '../../src/errors.js';
import { ERROR_EXAMPLES } from '../support/error-examples.js';

/** What `flowq` writes and exits with when a command raises `error`. */
function reported(error: unknown): { code: number; err: string } {
  let err = '';
  const code = reportError(error, { out: () => undefined, err: (t) => (err += t) });
  return { code, err };
}

describe('the exit code and line of each error code', () => {
  const COMMAND_LINE_MISTAKES: ErrorCode[] = ['USAGE', 'UNKNOWN_QUERY', 'INVALID_CONFIGURATION', 'INVALID_LOG_FORMAT'];
  const PROBLEMS_ELSEWHERE: ErrorCode[] = [
    'UNKNOWN_EXECUTION',
    'DATA_ERROR',
    'QUERY_FAILED',
    'QUERY_CANCELLED',
    'QUERY_TIMED_OUT',
    'INVALID_EVENT',
    'CATALOG_CONFLICT',
    'NOTIFICATION_FAILED',
    'REPORT_INCOMPLETE',
  ];

  test.each(COMMAND_LINE_MISTAKES)('%s is a mistake in the command line: its message on one line, exit 2', (code) => {
    const error = ERROR_EXAMPLES[code]();

    expect(reported(error)).toEqual({ code: 2, err: `flowq: ${error.message}\n` });
  });

  test('INVALID_PARAMETER is a mistake in the command line, said in flag words: exit 2', () => {
    expect(reported(ERROR_EXAMPLES.INVALID_PARAMETER())).toEqual({ code: 2, err: 'flowq: --limit must be a whole number from 1 to 1000\n' });
  });

  test.each(PROBLEMS_ELSEWHERE)('%s is not fixed by changing the command line: its message on one line, exit 1', (code) => {
    const error = ERROR_EXAMPLES[code]();

    expect(reported(error)).toEqual({ code: 1, err: `flowq: ${error.message}\n` });
  });

  test("AWS_ERROR is an AWS service's refusal: its name and first line, exit 1", () => {
    expect(reported(ERROR_EXAMPLES.AWS_ERROR())).toEqual({
      code: 1,
      err: 'flowq: AWS: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/flowq/fn is not authorized\n',
    });
  });

  test('AWS_SETUP is an AWS client without a region: how to give it one, exit 1', () => {
    expect(reported(ERROR_EXAMPLES.AWS_SETUP())).toEqual({
      code: 1,
      err: 'flowq: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n',
    });
  });

  test('every error code has one of the behaviours above', () => {
    const covered = [...COMMAND_LINE_MISTAKES, 'INVALID_PARAMETER', ...PROBLEMS_ELSEWHERE, 'AWS_ERROR', 'AWS_SETUP'];

    expect(covered.sort()).toEqual(Object.keys(ERROR_OUTCOMES).sort());
  });

  test('anything else is a bug: one line saying so, exit 1, no stack', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'rows')\n    at run (/srv/flowq/x.js:1:2)");

    expect(reported(bug)).toEqual({ code: 1, err: "flowq: unexpected error: Cannot read properties of undefined (reading 'rows')\n" });
  });
});
