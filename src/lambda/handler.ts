import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler, type Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { asFlowqError } from '../aws/errors.js';
import { httpStatusOf } from '../errors.js';
import { logger } from '../logger.js';

/** What the log line of one failed call says. */
export interface FailureNote {
  /** `refused`: the caller's mistake, logged at INFO without a stack; `failed`: anything else, logged at ERROR with the error. */
  readonly outcome: 'refused' | 'failed';
  /** What else the line names: a code and reason, an HTTP status. Never `message`, which Powertools reserves (and drops, with a WARN). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * One kind of Lambda handler (an HTTP request, a direct invocation, an AWS event): what it adds to
 * the shared stack, and what the handler receives.
 * @typeParam TEvent - the event as Lambda delivers it.
 * @typeParam THandled - the event as the kind's middlewares leave it (parsed, validated) for the handler.
 */
export interface HandlerKind<TEvent, TResult, THandled = TEvent> {
  /** What the log calls one call: `request` gives `request refused` and `request failed`. */
  readonly noun: string;
  /** The middlewares between the logger's context and the handler, in order. */
  readonly middlewares: readonly MiddlewareObj<TEvent, TResult>[];
  /** How the log tells of an error, as the handler threw it. */
  readonly noteOf: (error: unknown) => FailureNote;
  /** The event as the middlewares left it, typed for the handler: they parsed and validated it, so only its type changes here. */
  readonly handed: (event: TEvent) => THandled;
}

/**
 * The note of an error by flowq's error table: a code whose HTTP status is under 500 is the caller's
 * mistake (its code and reason); anything else, an AWS error or a bug among them, is a failure.
 */
export function noteByErrorTable(error: unknown): FailureNote {
  const known = asFlowqError(error);
  if (known !== undefined && httpStatusOf(known) < 500) return { outcome: 'refused', fields: { code: known.code, reason: known.message } };
  return { outcome: 'failed', fields: {} };
}

/** One log line for every error, as the handler (or a middleware before it) threw it. */
function logFailures<TEvent, TResult>(kind: HandlerKind<TEvent, TResult, unknown>): MiddlewareObj<TEvent, TResult> {
  return {
    onError: (request: Request<TEvent, TResult>) => {
      const note = kind.noteOf(request.error);
      if (note.outcome === 'refused') logger.info(`${kind.noun} refused`, { ...note.fields });
      else logger.error(`${kind.noun} failed`, { ...note.fields, error: request.error as Error });
    },
  };
}

/**
 * The one factory of flowq's Lambda handlers: the Powertools Logger's context (keys reset on every
 * call), the kind's middlewares, and a log line for every failure, around `handle`. The failure
 * line is written first, before the kind's error handling (an HTTP answer) runs.
 */
export function lambdaHandler<TEvent, TResult, THandled>(
  kind: HandlerKind<TEvent, TResult, THandled>,
  handle: (event: THandled, context: Context) => Promise<TResult>,
): MiddyfiedHandler<TEvent, TResult> {
  const middlewares = [injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<TEvent, TResult>, ...kind.middlewares, logFailures(kind)];
  return middlewares.reduce((chain, m) => chain.use(m), middy<TEvent, TResult>()).handler((event, context) => handle(kind.handed(event), context));
}
