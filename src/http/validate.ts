import type { MiddlewareObj, Request } from '@middy/core';
import validator from '@middy/validator';
import { InvalidParameter, type ParameterProblem } from '../errors.js';
import { shorten } from '../text.js';
import type { CompiledValidator } from './validators.generated.js';

type ValidatorOptions = NonNullable<Parameters<typeof validator>[0]>;

/** Where the validator found a problem, relative to the request part it lives in. */
const REQUEST_PARTS = new Set(['body', 'pathParameters', 'queryStringParameters', 'headers']);

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Turns the validator's AJV errors into one problem per parameter, named as the caller wrote it. */
export function validationProblems(errors: readonly AjvError[]): ParameterProblem[] {
  return errors.map((e) => {
    const path = e.instancePath.split('/').filter((s) => s.length > 0);
    const inPart = path.length > 0 && REQUEST_PARTS.has(path[0]) ? path.slice(1) : path;
    if (e.keyword === 'required') return { param: shorten([...inPart, String(e.params.missingProperty)].join('.')), message: 'is required' };
    if (e.keyword === 'additionalProperties') return { param: shorten([...inPart, String(e.params.additionalProperty)].join('.')), message: 'is not allowed' };
    return { param: shorten(inPart.length > 0 ? inPart.join('.') : (path[0] ?? 'request')), message: e.message ?? 'is invalid' };
  });
}

/**
 * middy's validator around a validator compiled at build time; an event it refuses is an
 * InvalidParameter naming each bad field, whichever kind of handler the event came to. middy types
 * `eventSchema` as an Ajv instance; at run time it takes the compiled function, as `transpileSchema`
 * would return it.
 */
export function validateEvent<TEvent, TResult>(validate: CompiledValidator): MiddlewareObj<TEvent, TResult> {
  const check = validator({ eventSchema: validate as unknown as ValidatorOptions['eventSchema'] });
  return {
    before: async (request: Request<TEvent, TResult>) => {
      try {
        await check.before?.(request);
      } catch (error) {
        const cause = (error as { cause?: { package?: string; data?: unknown } }).cause;
        if (cause?.package === '@middy/validator' && Array.isArray(cause.data)) throw new InvalidParameter(validationProblems(cause.data as AjvError[]));
        throw error;
      }
    },
  };
}
