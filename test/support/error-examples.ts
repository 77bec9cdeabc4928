// One error of each code, as flowq (or the AWS SDK, for the AWS codes) raises it, for the tests of
// what each edge makes of them. A Record over ErrorCode: a new code does not compile until it has an
// example here, and the edge tests then ask which behaviour it has.
import { CatalogConflict, InvalidEvent } from '../../src/catalog/errors.js';
import { UsageError } from '../../src/cli/args.js';
import {
  DataError,
  InvalidConfiguration,
  InvalidLogFormat,
  InvalidParameter,
  QueryCancelled,
  QueryFailed,
  QueryTimedOut,
  UnknownExecution,
  UnknownQuery,
  type ErrorCode,
} from '../../src/errors.js';
import { NotificationFailed } from '../../src/reports/notify.js';
import { ReportIncomplete } from '../../src/reports/report.js';

export const EXECUTION_ID = '5b1a0c1e-8c1b-4a57-9c2b-2f7c9f0e1d11';

/** An error the AWS SDK raises for a service's answer: a name, a message, `$metadata`. */
export function awsServiceError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
}

export const ERROR_EXAMPLES: Readonly<Record<ErrorCode, () => Error>> = {
  USAGE: () => new UsageError("unknown command 'rnu'; did you mean run?"),
  INVALID_PARAMETER: () => new InvalidParameter([{ param: 'limit', message: 'must be a whole number from 1 to 1000' }]),
  INVALID_CONFIGURATION: () => new InvalidConfiguration('environment variable FLOWQ_DATABASE is required'),
  INVALID_LOG_FORMAT: () => new InvalidLogFormat("unknown field '${colour}' in the log format"),
  INVALID_EVENT: () => new InvalidEvent('to: must be after from (to is exclusive)'),
  UNKNOWN_QUERY: () => new UnknownQuery("unknown query 'top-speakers'; did you mean top-talkers?"),
  UNKNOWN_EXECUTION: () => new UnknownExecution(`no query execution ${EXECUTION_ID}`),
  DATA_ERROR: () => new DataError('no flow-log files under AWSLogs (partitions 2026/11/27 to 2026/11/28)'),
  QUERY_FAILED: () => new QueryFailed(`Athena query ${EXECUTION_ID} failed: HIVE_BAD_DATA`, { executionId: EXECUTION_ID, errorCategory: 2 }),
  QUERY_CANCELLED: () => new QueryCancelled(`Athena query ${EXECUTION_ID} was cancelled`, { executionId: EXECUTION_ID }),
  QUERY_TIMED_OUT: () => new QueryTimedOut(`top-talkers was stopped at its deadline`, { executionId: EXECUTION_ID }),
  CATALOG_CONFLICT: () => new CatalogConflict('table flowq.flow_logs has other partition keys and holds partitions'),
  NOTIFICATION_FAILED: () => new NotificationFailed('2026-11-27: AWS: AccessDeniedException: not authorized to perform events:PutEvents'),
  REPORT_INCOMPLETE: () => new ReportIncomplete({ days: [], failures: ['2026-11-27 top-talkers: AWS: ThrottlingException: Rate exceeded'] }),
  AWS_SETUP: () => new Error('Region is missing'),
  AWS_ERROR: () => awsServiceError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/flowq/fn is not authorized\nto perform this'),
};
