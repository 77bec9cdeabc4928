import { shorten } from './text.js';

/**
 * Typed domain errors. Each carries a stable machine-readable code and its domain data, nothing
 * about transport: src/http maps codes to HTTP statuses, the CLI to exit codes. Anything that is
 * not a FlowqError is a bug and is answered with a fixed message.
 */
export class FlowqError extends Error {
  /** Stable machine-readable code, as the JSON error shape and the logs show it. */
  readonly code: string = 'FLOWQ_ERROR';

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
