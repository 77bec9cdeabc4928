import { asFlowqError } from '../../src/aws/errors.js';
import { reportError } from '../../src/cli/main.js';

/** The SDK's errors for a client that lacks something, as the SDK raises them. */
const NO_REGION = new Error('Region is missing');
const NO_CREDENTIALS = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

function cliLine(error: unknown): string {
  let err = '';
  reportError(error, { out: () => undefined, err: (t) => (err += t) });
  return err;
}

describe('an AWS client without a region or credentials', () => {
  test.each([
    ['no region', NO_REGION, {}],
    ['no credentials', NO_CREDENTIALS, {}],
    ['a profile that holds none', NO_CREDENTIALS, { AWS_PROFILE: 'audit' }],
  ])('%s: the advice a report page or a function log shows names the environment, no command-line flag', (_, error, env) => {
    const message = asFlowqError(error, env)?.message ?? '';

    expect(message).toMatch(/AWS_REGION|AWS_PROFILE/);
    expect(message).not.toMatch(/--\w/);
  });

  test('the command line says it with its flags, whatever was being reached', () => {
    expect([cliLine(NO_REGION), cliLine(NO_CREDENTIALS)]).toEqual([
      'flowq: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n',
      'flowq: no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
    ]);
  });
});
