/** ARN shapes that more than one part of flowq checks. */

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** True for the ARN of an SNS topic (standard, not FIFO) in any partition: `arn:aws:sns:<region>:<account>:<name>`. */
export function isSnsTopicArn(text: string): boolean {
  return SNS_TOPIC_ARN.test(text);
}
