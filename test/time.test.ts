import fc from 'fast-check';
import { formatDate, formatTime, MAX_TIME_SECONDS, parseDate, parseDuration, parseTime } from '../src/time.js';
import { shorten } from '../src/text.js';

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil): an oracle apart from Date. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  return [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

describe('parseTime', () => {
  it('reads ISO-8601 UTC, dates, offsets and Unix seconds', () => {
    expect(parseTime('2026-11-27T05:06:07Z')).toBe(Date.UTC(2026, 10, 27, 5, 6, 7) / 1000);
    expect(parseTime('2026-11-27T05:06:07.999Z')).toBe(Date.UTC(2026, 10, 27, 5, 6, 7) / 1000);
    expect(parseTime('2026-11-27')).toBe(Date.UTC(2026, 10, 27) / 1000);
    expect(parseTime('2026-11-27T05:06')).toBe(Date.UTC(2026, 10, 27, 5, 6) / 1000);
    expect(parseTime('2026-11-27T07:06:07+02:00')).toBe(Date.UTC(2026, 10, 27, 5, 6, 7) / 1000);
    expect(parseTime('1700000000')).toBe(1700000000);
    // Eight digits that make a real date are a date without its dashes, not a moment of 1970; others stay seconds.
    expect(parseTime('20261127')).toBe("'20261127' looks like a date: write it 2026-11-27 (ISO-8601), or give Unix seconds of 9 or more digits");
    expect(parseTime('20261327')).toBe(20261327);
    expect(parseTime('12345678')).toBe(12345678);
    expect(parseTime(1700000000)).toBe(1700000000);
    expect(formatTime(1700000000)).toBe('2023-11-14T22:13:20Z');
  });

  it('reads every valid calendar time from 1970 to 9999 as the civil-calendar oracle does, offsets included', () => {
    const time = fc
      .record({ y: fc.integer({ min: 1971, max: 9998 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
      .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysInMonth(y, m)) }));
    const clock = fc.record({ h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) });
    const offset = fc.option(fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }));
    fc.assert(
      fc.property(time, clock, offset, ({ y, m, d }, { h, mi, s }, off) => {
        const zone = off === null ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
        const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${zone}`;
        const expected = daysFromCivil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s - (off ?? 0) * 60;
        expect(parseTime(text)).toBe(expected);
      }),
    );
  });

  it.each([
    ['2026-02-30'],
    ['2026-13-01'],
    ['2026-11-27T24:00:00Z'],
    ['yesterday'],
    ['1.5'],
    [''],
    ['2026-11-27T05:06:07Z; DROP TABLE x'],
    ['2026-11-27T05:06:07+99:99'],
    ['2026-11-27T05:06:07+24:00'],
    ['0026-03-31'],
    ['1969-12-31T23:59:59Z'],
    ['999999999999'],
  ])('refuses %j', (value) => expect(typeof parseTime(value)).toBe('string'));

  it('refuses non-integer, negative and out-of-range numbers, which would otherwise fail when formatted', () => {
    expect(typeof parseTime(1.5)).toBe('string');
    expect(typeof parseTime(-1)).toBe('string');
    expect(typeof parseTime(true)).toBe('string');
    expect(typeof parseTime(8_640_000_000_000)).toBe('string');
    expect(typeof parseTime(MAX_TIME_SECONDS + 1)).toBe('string');
    expect(parseTime(MAX_TIME_SECONDS)).toBe(MAX_TIME_SECONDS);
    expect(formatTime(MAX_TIME_SECONDS)).toBe('9999-12-31T23:59:59Z');
  });

  it('cuts a long bad value to a short prefix in its message', () => {
    const message = parseTime('x'.repeat(1_000_000)) as string;
    expect(message.length).toBeLessThan(200);
    expect(message).toContain('(1000000 characters)');
  });
});

describe('parseDate', () => {
  it('reads real dates and refuses the rest, years below 100 included', () => {
    expect(parseDate('2026-02-28')).toBe(Date.UTC(2026, 1, 28) / 1000);
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 1000);
    expect(parseDate('2026-02-30')).toBeUndefined();
    expect(parseDate('2026-2-3')).toBeUndefined();
    expect(parseDate('0026-03-31')).toBeUndefined();
    expect(formatDate(Date.UTC(2026, 10, 27, 23, 59) / 1000)).toBe('2026-11-27');
  });
});

describe('parseDuration', () => {
  it('reads the units it is given and nothing else', () => {
    expect(parseDuration('30m', ['m', 'h', 'd'])).toBe(1800);
    expect(parseDuration('24H', ['m', 'h', 'd'])).toBe(86_400);
    expect(parseDuration('7d', ['m', 'h', 'd'])).toBe(604_800);
    expect(parseDuration('90', ['', 's', 'm', 'h'])).toBe(90);
    expect(parseDuration('90', ['m', 'h', 'd'])).toBeUndefined();
    expect(parseDuration('0m', ['m'])).toBeUndefined();
    expect(parseDuration('1.5h', ['h'])).toBeUndefined();
    expect(parseDuration('-1h', ['h'])).toBeUndefined();
  });
});

describe('shorten', () => {
  it('keeps short values and cuts long ones, saying how long they were', () => {
    expect(shorten('abc')).toBe('abc');
    expect(shorten('a'.repeat(100), 10)).toBe('aaaaaaaaaa… (100 characters)');
  });
});
