import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler, type Request } from '@middy/core';
import { FlowqError, httpStatusOf, InvalidParameter } from '../errors.js';
import { logger } from '../logger.js';
import { validationProblems } from './errors.js';
import { validateEvent } from './validate.js';
import type { CompiledValidator } from './validators.generated.js';

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
      // A refusal is the caller's mistake: its code and reason, no stack. Not under `message`, which Powertools reserves.
      if (request.error instanceof FlowqError && httpStatusOf(request.error) < 500)
        logger.info('invocation refused', { code: request.error.code, reason: request.error.message });
      else logger.error('invocation failed', { error: request.error as Error });
    },
  };
}

/** The middy stack of a directly invoked handler: Powertools Logger context, validation, typed errors. */
export function invokeStack<TEvent, TResult>(eventSchema: CompiledValidator): MiddyfiedHandler<TEvent, TResult> {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<TEvent, TResult>)
    .use(validateEvent<TEvent, TResult>(eventSchema))
    .use(invocationErrors() as MiddlewareObj<TEvent, TResult>);
}
