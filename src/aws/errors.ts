import type { Env } from '../config.js';
import { FlowqError } from '../errors.js';
import { firstLine } from '../text.js';

/** What an AWS client lacked: a region, the named profile, or any credentials. */
export type AwsSetupProblem = { readonly missing: 'region' } | { readonly missing: 'profile'; readonly profile: string } | { readonly missing: 'credentials' };

/** What an AWS client lacked, from the SDK's error; undefined for any other error. */
export function awsSetupProblemOf(error: unknown, env: Env = process.env): AwsSetupProblem | undefined {
  if (!(error instanceof Error)) return undefined;
  if (/^Region is missing/i.test(error.message)) return { missing: 'region' };
  if (error.name === 'CredentialsProviderError' || error.name === 'ProviderError') {
    const profile = env.AWS_PROFILE;
    return profile !== undefined && profile !== '' ? { missing: 'profile', profile } : { missing: 'credentials' };
  }
  return undefined;
}

/** How to give what was missing, in the environment's words (a function's settings, a user's shell): no command-line flag. */
function setupAdvice(problem: AwsSetupProblem): string {
  switch (problem.missing) {
    case 'region':
      return 'no AWS region: set AWS_REGION (or a region in your AWS profile)';
    case 'profile':
      return `AWS profile '${problem.profile}' was not found or holds no credentials: check AWS_PROFILE and ~/.aws/config`;
    case 'credentials':
      return 'no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
}

/**
 * An AWS client with no region or no credentials. The message says how to give them in the
 * environment's words, after `where` (what was being reached, e.g. `S3: s3://bucket/key: `); the
 * command line rewords it with its flags from `problem`.
 */
export class AwsSetupError extends FlowqError {
  override readonly code = 'AWS_SETUP';

  constructor(
    readonly problem: AwsSetupProblem,
    readonly where = '',
    options?: { cause?: unknown },
  ) {
    super(`${where}${setupAdvice(problem)}`, options);
  }
}

/** An AWS service refused or failed a call that flowq did not turn into an error of its own: its name and first line say why. */
export class AwsServiceError extends FlowqError {
  override readonly code = 'AWS_ERROR';
  /**
   * What a caller outside may be told: the service's error name only. Its message can name the
   * account, the function's role and resources (`User: arn:aws:sts::…:assumed-role/… is not
   * authorized`), which the operator reads in the log and the command line's user in the message.
   */
  readonly publicMessage: string;

  constructor(awsName: string, message: string, options?: { cause?: unknown }) {
    super(`AWS: ${awsName}: ${message}`, options);
    this.publicMessage = `AWS refused the call: ${awsName}`;
  }
}

/**
 * flowq's error for anything thrown: a FlowqError as it is; an error the AWS SDK raised as one that
 * says what went wrong (a missing region or credentials and how to fix it; a service's answer with
 * its name: `AWS: AccessDeniedException: ...`); undefined for anything else, which is a bug. Every
 * edge (HTTP answers, the command line, report pages) explains errors through this one function.
 */
export function asFlowqError(error: unknown, env: Env = process.env): FlowqError | undefined {
  if (error instanceof FlowqError) return error;
  const problem = awsSetupProblemOf(error, env);
  if (problem !== undefined) return new AwsSetupError(problem, '', { cause: error });
  if (error instanceof Error && '$metadata' in error) return new AwsServiceError(error.name, firstLine(error.message), { cause: error });
  return undefined;
}
