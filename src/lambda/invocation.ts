import { validateEvent } from '../http/validate.js';
import type { CompiledValidator } from '../http/validators.generated.js';
import { noteByErrorTable, type HandlerKind } from './handler.js';

/**
 * A function invoked directly (`sls invoke -f runQuery --data '{...}'`): the event validated against
 * `eventSchema` (a bad one is an InvalidParameter naming each bad field). Errors keep their type, so
 * the caller sees `QueryTimedOut` or `InvalidParameter` with its message.
 */
export function directInvocation<TEvent, TResult>(eventSchema: CompiledValidator): HandlerKind<unknown, TResult, TEvent> {
  return { noun: 'invocation', middlewares: [validateEvent(eventSchema)], noteOf: noteByErrorTable, handed: (event) => event as TEvent };
}
