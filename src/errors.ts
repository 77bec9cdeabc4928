/**
 * Typed domain errors. Each carries the HTTP status it maps to and whether its message is safe to
 * show a caller (`expose`), the way middy's http-error-handler expects. Anything else is a bug and
 * is answered with a fixed message.
 */
export class FlowqError extends Error {
  /** Machine-readable code for the JSON error shape. */
  readonly code: string = 'FLOWQ_ERROR';
  readonly statusCode: number = 500;
  readonly expose: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem with one parameter. */
export interface ParameterProblem {
  readonly param: string;
  readonly message: string;
}

/** One or more request parameters are invalid; `details` lists every problem. */
export class InvalidParameter extends FlowqError {
  override readonly code = 'INVALID_PARAMETER';
  override readonly statusCode = 400;
  readonly details: readonly ParameterProblem[];

  constructor(details: readonly ParameterProblem[]) {
    super(details.map((d) => `${d.param}: ${d.message}`).join('; '));
    this.details = details;
  }
}

/** A configuration value (environment, flag or file) is missing or malformed. */
export class InvalidConfiguration extends FlowqError {
  override readonly code = 'INVALID_CONFIGURATION';
  override readonly statusCode = 500;
  override readonly expose = false;
}

/** A flow-log format string is malformed or names an unknown field. */
export class InvalidLogFormat extends FlowqError {
  override readonly code = 'INVALID_LOG_FORMAT';
  override readonly statusCode = 400;
}

/** No template has that name. */
export class UnknownQuery extends FlowqError {
  override readonly code = 'UNKNOWN_QUERY';
  override readonly statusCode = 404;
}

/** No query execution has that id (or it belongs to another workgroup). */
export class UnknownExecution extends FlowqError {
  override readonly code = 'UNKNOWN_EXECUTION';
  override readonly statusCode = 404;
}

/** The data for a question is missing, unreadable, or does not match its described format. */
export class DataError extends FlowqError {
  override readonly code = 'DATA_ERROR';
  override readonly statusCode = 422;
}

/** An error about one query execution, carrying its id when the engine gave one. */
export class ExecutionError extends FlowqError {
  readonly executionId?: string;

  constructor(message: string, options?: { executionId?: string; cause?: unknown }) {
    super(message, options);
    this.executionId = options?.executionId;
  }
}

/** The engine ran the query and it failed. */
export class QueryFailed extends ExecutionError {
  override readonly code = 'QUERY_FAILED';
  override readonly statusCode = 502;
  readonly errorCategory?: number;

  constructor(message: string, options?: { executionId?: string; errorCategory?: number; cause?: unknown }) {
    super(message, options);
    this.errorCategory = options?.errorCategory;
  }
}

/** The query was cancelled by someone else. */
export class QueryCancelled extends ExecutionError {
  override readonly code = 'QUERY_CANCELLED';
  override readonly statusCode = 502;
}

/** The query did not finish before its deadline and was stopped. */
export class QueryTimedOut extends ExecutionError {
  override readonly code = 'QUERY_TIMED_OUT';
  override readonly statusCode = 504;
}
