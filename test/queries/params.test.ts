import { InvalidParameter } from '../../src/errors.js';
import { validateParams } from '../../src/queries/params.js';
import { getTemplate } from '../../src/queries/templates.js';

const TOP = getTemplate('top-talkers').params;

function problems(raw: Record<string, unknown>, limits = { maxRangeDays: 31 }) {
  try {
    validateParams(TOP, raw, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidParameter);
    return (error as InvalidParameter).details;
  }
  throw new Error('expected the parameters to be refused');
}

describe('validateParams', () => {
  it('gives typed values with the limit defaulted', () => {
    expect(validateParams(TOP, { start: '2026-11-26', end: '2026-11-27', action: 'REJECT' })).toEqual({
      start: 1795651200,
      end: 1795737600,
      limit: 10,
      interface_id: undefined,
      vpc_id: undefined,
      subnet_id: undefined,
      action: 'REJECT',
      protocol: undefined,
      src_cidr: undefined,
      dst_cidr: undefined,
    });
    expect(validateParams(TOP, { start: 1, end: 2, limit: '1000', interface_id: 'eni-0123456789abcdef0' }).limit).toBe(1000);
  });

  it('lists every bad parameter at once, each with its reason', () => {
    expect(problems({ start: 'soon', limit: 0, action: 'DROP', interface_id: "eni-1' OR 1=1 --", colour: 'red' })).toEqual([
      {
        param: 'colour',
        message: 'unknown parameter; expected one of start, end, limit, interface_id, vpc_id, subnet_id, action, protocol, src_cidr, dst_cidr',
      },
      { param: 'start', message: "'soon' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds" },
      { param: 'end', message: 'is required' },
      { param: 'limit', message: 'must be a whole number from 1 to 1000' },
      { param: 'interface_id', message: 'must look like eni-0123456789abcdef0' },
      { param: 'action', message: 'must be one of ACCEPT, REJECT (any case)' },
    ]);
  });

  it('refuses an empty, reversed or too long range', () => {
    expect(problems({ start: 100, end: 100 })).toEqual([{ param: 'end', message: 'must be after start' }]);
    expect(problems({ start: 200, end: 100 })).toEqual([{ param: 'end', message: 'must be after start' }]);
    expect(problems({ start: '2026-01-01', end: '2026-02-02' })).toEqual([{ param: 'end', message: 'the range may cover at most 31 days' }]);
    expect(problems({ start: '2026-01-01', end: '2026-01-03' }, { maxRangeDays: 1 })).toEqual([
      { param: 'end', message: 'the range may cover at most 1 days' },
    ]);
    expect(validateParams(TOP, { start: '2026-01-01', end: '2026-02-01' }).end).toBe(Date.UTC(2026, 1, 1) / 1000);
  });

  it('refuses a limit that is not a whole number', () => {
    expect(problems({ start: 1, end: 2, limit: '5; DROP' })).toEqual([{ param: 'limit', message: 'must be a whole number from 1 to 1000' }]);
    expect(problems({ start: 1, end: 2, limit: 2.5 })).toEqual([{ param: 'limit', message: 'must be a whole number from 1 to 1000' }]);
    expect(problems({ start: 1, end: 2, limit: 1001 })).toEqual([{ param: 'limit', message: 'must be a whole number from 1 to 1000' }]);
  });
});
