import type { Env } from './config.js';

/**
 * What to do about an AWS client that has no region or no credentials, in the words of the flags and
 * variables flowq reads (`--region`, `AWS_REGION`, `--profile`, ...); undefined for any other error.
 */
export function describeAwsSetupError(error: unknown, env: Env = process.env): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (/^Region is missing/i.test(error.message)) {
    return 'no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)';
  }
  if (error.name === 'CredentialsProviderError' || error.name === 'ProviderError') {
    const profile = env.AWS_PROFILE;
    if (profile !== undefined && profile !== '') {
      return `AWS profile '${profile}' was not found or holds no credentials: check --profile / AWS_PROFILE and ~/.aws/config`;
    }
    return 'no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  return undefined;
}
