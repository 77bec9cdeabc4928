import { displayValue } from '../../src/format/values.js';

describe('displayValue', () => {
  it('shows protocols by name, ports as plain numbers, counts with separators and times in UTC', () => {
    expect(displayValue({ name: 'protocol', type: 'integer' }, 58)).toBe('ICMPv6');
    expect(displayValue({ name: 'dstport', type: 'integer' }, 3389)).toBe('3389');
    expect(displayValue({ name: 'flows', type: 'bigint' }, 1234567)).toBe('1,234,567');
    expect(displayValue({ name: 'first_seen', type: 'bigint' }, 1700000000)).toBe('2023-11-14 22:13:20');
    expect(displayValue({ name: 'srcaddr', type: 'varchar' }, null)).toBe('-');
  });
});
