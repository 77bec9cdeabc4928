import { isSnsTopicArn } from '../../src/aws/arn.js';

describe('isSnsTopicArn', () => {
  test.each([
    'arn:aws:sns:eu-west-1:111122223333:flowq-changes',
    'arn:aws-us-gov:sns:us-gov-west-1:111122223333:a_b',
    'arn:aws-cn:sns:cn-north-1:111122223333:t',
  ])('accepts %s', (arn) => {
    expect(isSnsTopicArn(arn)).toBe(true);
  });

  test.each([
    ['flowq-spend', 'a bare name'],
    ['arn:aws:sqs:us-east-1:111122223333:q', 'another service'],
    ['arn:aws:sns:us-east-1:11112222333:t', 'an 11-digit account'],
    ['arn:aws:sns:us-east-1:111122223333:orders.fifo', 'a FIFO topic'],
    [`arn:aws:sns:us-east-1:111122223333:${'t'.repeat(257)}`, 'a name over 256 characters'],
  ])('refuses %s (%s)', (arn) => {
    expect(isSnsTopicArn(arn)).toBe(false);
  });
});
