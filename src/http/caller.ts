import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The identity parts of an HTTP API request's authorizer context (IAM or JWT). */
interface AuthorizerContext {
  readonly iam?: { readonly userArn?: unknown };
  readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> };
}

/**
 * Who made an API request, as API Gateway established it: the IAM caller's ARN (SigV4), or `jwt:`
 * and the token's `sub`; `unauthenticated` when neither is there (serverless-offline runs routes
 * without authorisation). The access log records the same.
 */
export function callerOf(event: Pick<APIGatewayProxyEventV2, 'requestContext'>): string {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const arn = authorizer?.iam?.userArn;
  if (typeof arn === 'string' && arn !== '') return arn;
  const sub = authorizer?.jwt?.claims?.sub;
  if (typeof sub === 'string' && sub !== '') return `jwt:${sub}`;
  return 'unauthenticated';
}
