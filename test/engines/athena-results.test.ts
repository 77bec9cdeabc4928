import fc from 'fast-check';
import { decodeValue, queryCostUsd, toColumns, toRows } from '../../src/engines/athena-results.js';
import { pollDelay } from '../../src/engines/athena.js';

describe('decodeValue', () => {
  test.each([
    ['integer', '443', 443],
    ['tinyint', '-7', -7],
    ['smallint', '1200', 1200],
    ['bigint', '1795046400', 1795046400],
    ['bigint', '9007199254740991', 9007199254740991],
    ['bigint', '9007199254740993', '9007199254740993'],
    ['bigint', '-9223372036854775808', '-9223372036854775808'],
    ['double', '0.25', 0.25],
    ['double', '1.0E10', 1e10],
    ['double', 'NaN', 'NaN'],
    ['double', 'Infinity', 'Infinity'],
    ['real', '1.5', 1.5],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['varchar', '10.0.0.1', '10.0.0.1'],
    ['varchar', '', ''],
    ['varchar', '-', '-'],
    ['date', '2026-11-27', '2026-11-27'],
    ['timestamp', '2026-11-27 05:00:00.000', '2026-11-27 05:00:00.000'],
    ['decimal', '12345678901234567890.12', '12345678901234567890.12'],
    ['bigint', undefined, null],
    ['varchar', undefined, null],
  ])('a %s value %j decodes to %j', (type, text, expected) => {
    expect(decodeValue(type, text)).toEqual(expected);
  });

  test('every bigint within 2^53 decodes to the same number and every one beyond stays its exact text', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const decoded = decodeValue('bigint', n.toString());
        const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
        expect(decoded).toEqual(safe ? Number(n) : n.toString());
      }),
    );
  });
});

describe('toColumns and toRows', () => {
  test('rows are keyed by column name and decoded by column type; a datum without a value is NULL', () => {
    const columns = toColumns([
      { Name: 'dstport', Type: 'integer' },
      { Name: 'protocol', Type: 'integer' },
      { Name: 'sources', Type: 'bigint' },
      { Name: 'interface_id', Type: 'varchar' },
    ]);

    const rows = toRows(columns, [
      { Data: [{ VarCharValue: '22' }, { VarCharValue: '6' }, { VarCharValue: '3' }, { VarCharValue: 'eni-0a1b2c3d' }] },
      { Data: [{}, {}, { VarCharValue: '1' }, {}] },
    ]);

    expect({ columns, rows }).toEqual({
      columns: [
        { name: 'dstport', type: 'integer' },
        { name: 'protocol', type: 'integer' },
        { name: 'sources', type: 'bigint' },
        { name: 'interface_id', type: 'varchar' },
      ],
      rows: [
        { dstport: 22, protocol: 6, sources: 3, interface_id: 'eni-0a1b2c3d' },
        { dstport: null, protocol: null, sources: 1, interface_id: null },
      ],
    });
  });
});

describe('queryCostUsd', () => {
  const MB = 2 ** 20;
  const usdPerMb = 5 / 2 ** 20;

  test.each([
    [0, false, 10 * usdPerMb],
    [1, false, 10 * usdPerMb],
    [10 * MB, false, 10 * usdPerMb],
    [10 * MB + 1, false, 11 * usdPerMb],
    [2 ** 40, false, 5],
    [3 * 2 ** 40, false, 15],
    [5 * 2 ** 40, true, 0],
  ])('%d bytes scanned (reused: %s) cost $%d', (bytes, reused, usd) => {
    expect(queryCostUsd(bytes, reused)).toBeCloseTo(usd, 12);
  });

  test('cost never falls below the 10 MB minimum and grows with every started MB', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 45 }), (bytes) => {
        const mb = Math.max(10, Math.ceil(bytes / MB));
        expect(queryCostUsd(bytes, false)).toBeCloseTo(mb * usdPerMb, 12);
        expect(queryCostUsd(bytes + MB, false)).toBeGreaterThanOrEqual(queryCostUsd(bytes, false));
      }),
    );
  });
});

describe('pollDelay', () => {
  test('polling starts at 100 ms and grows by half each time up to 2 s', () => {
    expect(Array.from({ length: 10 }, (_, i) => pollDelay(i))).toEqual([100, 150, 225, 338, 506, 759, 1139, 1709, 2000, 2000]);
  });
});
