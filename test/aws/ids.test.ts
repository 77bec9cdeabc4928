import { isAccountId, isRegion } from '../../src/aws/ids.js';

describe('AWS ids', () => {
  test.each(['us-east-1', 'eu-west-3', 'ap-southeast-4', 'us-gov-west-1', 'cn-northwest-1', 'il-central-1', 'mx-central-1'])('%s is a region', (name) => {
    expect(isRegion(name)).toBe(true);
  });

  test.each(['us-east', 'US-EAST-1', 'useast1', 'us-east-1a', 'us-east-123', '', 'us-east-1\n', 'x-east-1'])('%j is not a region', (name) => {
    expect(isRegion(name)).toBe(false);
  });

  test.each([
    ['123456789012', true],
    ['000000000000', true],
    ['12345678901', false],
    ['1234567890123', false],
    ['12345678901a', false],
    ['123456789012\n', false],
  ])('%j is an account id: %s', (text, expected) => {
    expect(isAccountId(text)).toBe(expected);
  });
});
