import httpErrorHandler from '@middy/http-error-handler';
import type { MiddlewareObj, Request } from '@middy/core';
import { asFlowqError, AwsServiceError } from '../aws/errors.js';
import { ExecutionError, httpStatusOf, InvalidParameter, type ParameterProblem } from '../errors.js';
import type { FailureNote } from '../lambda/handler.js';
import { shorten } from '../text.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** For 400: one entry per bad parameter. */
    readonly details?: readonly ParameterProblem[];
    /** For errors about an Athena execution: its id. */
    readonly executionId?: string;
  };
}

/** An error answer: status and body. */
export interface ErrorAnswer {
  readonly statusCode: number;
  readonly body: ErrorBody;
}

const INTERNAL: ErrorAnswer = { statusCode: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'internal error' } } };

/** Codes for the HTTP errors middy's own middlewares raise (the body parser; the validator's are InvalidParameter, see validate.ts). */
const HTTP_CODES: Readonly<Record<number, string>> = {
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'MALFORMED_JSON',
};

/** The longest message an error answer carries: a guard, since messages cut what they echo already. */
const MAX_MESSAGE = 1000;

// An absolute path: a `/` that starts a token (not inside s3://b/k, 2026/11/27 or a/b), then its segments.
const ABSOLUTE_PATH = /(?<![\w:/.~-])\/(?:[^\s'"/]+\/)*[^\s'"/]+\/?/g;

/**
 * A message as callers may see it, without the server's file-system paths: a path under an
 * `AWSLogs/` folder keeps its key from `AWSLogs/` on (what the S3 key would be); any other path
 * keeps only its last name. Local mode's data errors name files this way without showing where the
 * data lives.
 */
export function withoutServerPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, (path) => {
    // `/33` in `10.0.0.1/33` and `/0 to /32` are CIDR prefix lengths, not paths.
    if (/^\/\d+$/.test(path)) return path;
    const key = /(?:^|\/)(AWSLogs(?:\/.*)?)$/.exec(path);
    if (key !== null) return key[1];
    const names = path.split('/').filter((name) => name.length > 0);
    return names.at(-1) ?? path;
  });
}

function publicMessage(message: string): string {
  return shorten(withoutServerPaths(message), MAX_MESSAGE);
}

function executionIdOf(error: unknown): string | undefined {
  return error instanceof ExecutionError ? error.executionId : undefined;
}

/**
 * Maps any error to its answer, once for every handler: flowq's typed errors and AWS services'
 * errors by their code (ERROR_OUTCOMES), middy's HTTP errors (415, 422) by theirs, and anything else — a bug, or an error not meant for callers — to a 500 that says nothing
 * about the inside.
 */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  const known = asFlowqError(error);
  if (known !== undefined) {
    const statusCode = httpStatusOf(known);
    if (statusCode === 500) return INTERNAL;
    const details = known instanceof InvalidParameter ? known.details : undefined;
    const executionId = executionIdOf(known);
    return {
      statusCode,
      body: {
        error: {
          code: known.code,
          message: known instanceof AwsServiceError ? known.publicMessage : publicMessage(known.message),
          ...(details && { details }),
          ...(executionId && { executionId }),
        },
      },
    };
  }
  const e = error as { statusCode?: unknown; expose?: unknown; message?: unknown } | null;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && e.expose !== false) {
    const code = HTTP_CODES[e.statusCode] ?? `HTTP_${e.statusCode}`;
    return { statusCode: e.statusCode, body: { error: { code, message: publicMessage(String(e.message)) } } };
  }
  return INTERNAL;
}

/**
 * The log line of an HTTP error: the answer's status always; a refusal (4xx) with the code and
 * reason the caller was given, a failure (5xx) with the error itself, for the operator and never in
 * the answer.
 */
export function httpFailureNote(error: unknown): FailureNote {
  const answer = toErrorAnswer(error);
  if (answer.statusCode >= 500) return { outcome: 'failed', fields: { statusCode: answer.statusCode } };
  return { outcome: 'refused', fields: { statusCode: answer.statusCode, code: answer.body.error.code, reason: answer.body.error.message } };
}

/**
 * The last middleware of every HTTP handler: maps the error with {@link toErrorAnswer} and lets
 * middy's http-error-handler write the JSON response (the error's log line is the handler
 * factory's, see src/lambda/handler.ts).
 */
export function jsonErrorHandler(): MiddlewareObj {
  const writer = httpErrorHandler({ logger: false });
  return {
    onError: (request: Request) => {
      if (request.response !== undefined && request.response !== null) return;
      const answer = toErrorAnswer(request.error);
      request.error = Object.assign(new Error(JSON.stringify(answer.body)), { statusCode: answer.statusCode, expose: true });
      return writer.onError?.(request) as unknown;
    },
  };
}
