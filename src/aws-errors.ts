import { describeAwsSetupError } from './aws-setup.js';
import type { Env } from './config.js';
import { FlowqError } from './errors.js';
import { firstLine } from './text.js';

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
