import type { MiddlewareObj } from '@middy/core';
import validator from '@middy/validator';
import type { CompiledValidator } from './validators.generated.js';

type ValidatorOptions = NonNullable<Parameters<typeof validator>[0]>;

/**
 * middy's validator around a validator compiled at build time. middy types `eventSchema` as an Ajv
 * instance; at run time it takes the compiled function, as `transpileSchema` would return it.
 */
export function validateEvent<TEvent, TResult>(validate: CompiledValidator): MiddlewareObj<TEvent, TResult> {
  return validator({ eventSchema: validate as unknown as ValidatorOptions['eventSchema'] });
}
