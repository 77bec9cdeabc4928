import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler, type Request } from '@middy/core';
import validator from '@middy/validator';
import { transpileSchema } from '@middy/validator/transpile';
import { FlowqError, InvalidParameter } from '../errors.js';
import { logger } from '../logger.js';
import { statusOf, validationProblems } from './errors.js';

/**
 * Errors of a direct invocation keep their type, so `sls invoke` shows `QueryTimedOut` or
 * `InvalidParameter` with its message; the validator's error becomes an InvalidParameter that
 * names each bad field, as the HTTP API's 400 does.
 */
function invocationErrors(): MiddlewareObj {
  return {
    onError: (request: Request) => {
      const error = request.error as { cause?: { package?: string; data?: unknown } } | undefined;
      if (error?.cause?.package === '@middy/validator' && Array.isArray(error.cause.data)) {
        request.error = new InvalidParameter(validationProblems(error.cause.data));
      }
      if (request.error instanceof FlowqError && statusOf(request.error) < 500) logger.info('invocation refused', { error: request.error });
      else logger.error('invocation failed', { error: request.error as Error });
    },
  };
}

/** The middy stack of a directly invoked handler: Powertools Logger context, validation, typed errors. */
export function invokeStack<TEvent, TResult>(eventSchema: Record<string, unknown>): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<TEvent, TResult>)
    .use(validator({ eventSchema: transpileSchema(eventSchema, { coerceTypes: false }) }) as MiddlewareObj<TEvent, TResult>)
    .use(invocationErrors() as MiddlewareObj<TEvent, TResult>);
}
