import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { callerOf } from '../../src/http/caller.js';

function withAuthorizer(authorizer: unknown): Pick<APIGatewayProxyEventV2, 'requestContext'> {
  return { requestContext: { authorizer } as unknown as APIGatewayProxyEventV2['requestContext'] };
}

describe('the caller of a request', () => {
  test.each<[string, unknown, string]>([
    [
      'a SigV4 caller is its IAM ARN',
      { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/analyst/jo' } },
      'arn:aws:sts::123456789012:assumed-role/analyst/jo',
    ],
    ["a token's caller is its subject", { jwt: { claims: { sub: 'f3a9', email: 'jo@example.com' }, scopes: null } }, 'jwt:f3a9'],
    ['without an authorizer (serverless-offline) it is unauthenticated', undefined, 'unauthenticated'],
    ['a token without a subject is unauthenticated', { jwt: { claims: { sub: 42 } } }, 'unauthenticated'],
  ])('%s', (_what, authorizer, caller) => {
    expect(callerOf(withAuthorizer(authorizer))).toBe(caller);
  });
});
