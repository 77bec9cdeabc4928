import { shorten } from './text.js';

/** Every error code flowq's errors carry: the JSON error shape and the logs show them. */
export type ErrorCode =
  | 'USAGE'
  | 'INVALID_PARAMETER'
  | 'INVALID_CONFIGURATION'
  | 'INVALID_LOG_FORMAT'
  | 'INVALID_EVENT'
  | 'UNKNOWN_QUERY'
  | 'UNKNOWN_EXECUTION'
  | 'DATA_ERROR'
  | 'QUERY_FAILED'
  | 'QUERY_CANCELLED'
  | 'QUERY_TIMED_OUT'
  | 'CATALOG_CONFLICT'
  | 'NOTIFICATION_FAILED'
  | 'REPORT_INCOMPLETE'
  | 'AWS_SETUP'
  | 'AWS_ERROR';

/** How an error ends at each edge: the HTTP status of its answer and the command line's exit code. */
export interface ErrorOutcome {
  /** 4xx: the caller's request is at fault; 5xx: the service's side. A 500 tells the caller nothing of the inside. */
  readonly http: number;
  /** 2: a mistake in the command line, fixed by changing it; 1: anything else. */
  readonly exit: 1 | 2;
}

/**
 * The one table of what each error code means to callers. A Record over the union, so a new code
 * does not compile until it has its row.
 */
export const ERROR_OUTCOMES: Readonly<Record<ErrorCode, ErrorOutcome>> = {
  USAGE: { http: 400, exit: 2 },
  INVALID_PARAMETER: { http: 400, exit: 2 },
  INVALID_LOG_FORMAT: { http: 400, exit: 2 },
  UNKNOWN_QUERY: { http: 404, exit: 2 },
  UNKNOWN_EXECUTION: { http: 404, exit: 1 },
  DATA_ERROR: { http: 422, exit: 1 },
  QUERY_FAILED: { http: 502, exit: 1 },
  QUERY_CANCELLED: { http: 502, exit: 1 },
  AWS_ERROR: { http: 502, exit: 1 },
  QUERY_TIMED_OUT: { http: 504, exit: 1 },
  // The operator's problems: the command line's user is the operator, an API caller is not.
  INVALID_CONFIGURATION: { http: 500, exit: 2 },
  AWS_SETUP: { http: 500, exit: 1 },
  INVALID_EVENT: { http: 500, exit: 1 },
  CATALOG_CONFLICT: { http: 500, exit: 1 },
  NOTIFICATION_FAILED: { http: 500, exit: 1 },
  REPORT_INCOMPLETE: { http: 500, exit: 1 },
};

/**
 * Typed domain errors. Each carries a stable machine-readable code and its domain data, nothing
 * about transport: {@link ERROR_OUTCOMES} says what each code becomes at the edges. Anything that is
 * not a FlowqError (nor an AWS error, see aws/errors.ts) is a bug and is answered with a fixed message.
 */
export abstract class FlowqError extends Error {
  /** Stable machine-readable code, as the JSON error shape and the logs show it. */
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The exit code of a domain error: 2 for a mistake in the command line, 1 for the rest. */
export function exitCodeOf(error: FlowqError): 1 | 2 {
  return ERROR_OUTCOMES[error.code].exit;
}

/** The HTTP status of a domain error's answer; 500 for those a caller may not see. */
export function httpStatusOf(error: FlowqError): number {
  return ERROR_OUTCOMES[error.code].http;
}

/** One problem with one parameter. */
export interface ParameterProblem {
  readonly param: string;
  readonly message: string;
}

/** One or more request parameters are invalid; `details` lists every problem. */
export class InvalidParameter extends FlowqError {
  override readonly code = 'INVALID_PARAMETER';
  readonly details: readonly ParameterProblem[];
  /** Lines that help to fix it, shown under the message (a statement's candidate columns and the position of its mistake). */
  readonly hints: readonly string[];

  /** Parameter names are cut to a short prefix: a caller's unknown name is echoed, never a megabyte of it. */
  constructor(details: readonly ParameterProblem[], options: { hints?: readonly string[] } = {}) {
    const cut = details.map((d) => ({ param: shorten(d.param), message: d.message }));
    super(cut.map((d) => `${d.param}: ${d.message}`).join('; '));
    this.details = cut;
    this.hints = options.hints ?? [];
  }
}

/** A configuration value (environment, flag or file) is missing or malformed. */
export class InvalidConfiguration extends FlowqError {
  override readonly code = 'INVALID_CONFIGURATION';
}

/** A flow-log format string is malformed or names an unknown field. */
export class InvalidLogFormat extends FlowqError {
  override readonly code = 'INVALID_LOG_FORMAT';
}

/** No template has that name. */
export class UnknownQuery extends FlowqError {
  override readonly code = 'UNKNOWN_QUERY';
}

/** No query execution has that id (or it belongs to another workgroup). */
export class UnknownExecution extends FlowqError {
  override readonly code = 'UNKNOWN_EXECUTION';
}

/** The data for a question is missing, unreadable, or does not match its described format. */
export class DataError extends FlowqError {
  override readonly code = 'DATA_ERROR';
}

/** An error about one query execution, carrying its id when the engine gave one. */
export abstract class ExecutionError extends FlowqError {
  readonly executionId?: string;

  constructor(message: string, options?: { executionId?: string; cause?: unknown }) {
    super(message, options);
    this.executionId = options?.executionId;
  }
}

/** The engine ran the query and it failed. */
export class QueryFailed extends ExecutionError {
  override readonly code = 'QUERY_FAILED';
  readonly errorCategory?: number;

  constructor(message: string, options?: { executionId?: string; errorCategory?: number; cause?: unknown }) {
    super(message, options);
    this.errorCategory = options?.errorCategory;
  }
}

/** The query was cancelled by someone else. */
export class QueryCancelled extends ExecutionError {
  override readonly code = 'QUERY_CANCELLED';
}

/** The query did not finish before its deadline and was stopped. */
export class QueryTimedOut extends ExecutionError {
  override readonly code = 'QUERY_TIMED_OUT';
}
