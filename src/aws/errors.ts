import type { Env } from '../config.js';
import { FlowqError } from '../errors.js';
import { firstLine } from '../text.js';

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

/** An AWS client with no region or no credentials: the message says how to give them, in the command line's words. */
export class AwsSetupError extends FlowqError {
  override readonly code = 'AWS_SETUP';
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
  const setup = describeAwsSetupError(error, env);
  if (setup !== undefined) return new AwsSetupError(setup, { cause: error });
  if (error instanceof Error && '$metadata' in error) return new AwsServiceError(error.name, firstLine(error.message), { cause: error });
  return undefined;
}
