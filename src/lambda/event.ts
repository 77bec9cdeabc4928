import { noteByErrorTable, type HandlerKind } from './handler.js';

/**
 * An event an AWS service sends (an EventBridge schedule or rule, an S3 notification, a
 * CloudFormation custom-resource request) or a direct invocation of the same function: the handler
 * tells them apart, and refuses an event of no shape it knows with a typed error.
 */
export function awsEvent<TResult>(): HandlerKind<unknown, TResult> {
  return { noun: 'event', middlewares: [], noteOf: noteByErrorTable, handed: (event) => event };
}
