// The published parameter schemas against validation: a real JSON Schema validator (ajv, draft
// 2020-12) and validateParams must agree on generated inputs, in both directions, apart from the
// rules a schema cannot state (calendar validity, a time's range after its offset, end after start
// within the longest range).
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { InvalidParameter, type ParameterProblem } from '../../src/errors.js';
import { integerRangePattern, paramsJsonSchema, validateParams, type ParamSpec } from '../../src/queries/params.js';
import { TEMPLATES } from '../../src/queries/templates.js';

const LIMITS = { maxRangeDays: 31 };
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

/** True when a time's text names a day its month does not have (2026-02-30): a calendar rule. */
function isImpossibleDate(value: unknown): boolean {
  const m = typeof value === 'string' ? /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day > days;
}

/** Problems a schema cannot state; the descriptions give them in words. */
function isUnstatable(p: ParameterProblem, raw: Record<string, unknown>): boolean {
  return (
    (p.param === 'end' && (p.message === 'must be after start' || p.message.startsWith('the range may cover at most'))) ||
    (p.message.endsWith('is not a valid date and time') && isImpossibleDate(raw[p.param])) ||
    // Eight digits that make a date (20261127) are a date without dashes, not seconds: a calendar rule too.
    / looks like a date: write it /.test(p.message) ||
    p.message === 'must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z'
  );
}

function problemsOf(specs: readonly ParamSpec[], raw: Record<string, unknown>): readonly ParameterProblem[] {
  try {
    validateParams(specs, raw, LIMITS);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidParameter)) throw error;
    return error.details;
  }
}

const pad = fc.constantFrom('', '', '', ' ', '\t', '\n', '\u00a0', '\ufeff');
const padded = (text: fc.Arbitrary<string>) => fc.tuple(pad, text, pad).map(([a, t, b]) => `${a}${t}${b}`);
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Two digits from 00 to max, often at the edges (00, max - 1, max), where validity changes. */
const twoDigits = (max: number) => fc.oneof(fc.constantFrom(0, max - 1, max), fc.integer({ min: 0, max })).map((n) => String(n).padStart(2, '0'));
const oddJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.constant({}),
  fc.constant([]),
  fc.string({ maxLength: 4 }),
  fc.constant(''),
  fc.constant('  '),
);

/** ISO-8601 texts: valid parts, then often one part pushed just past what is valid. */
const isoText = fc
  .record({
    y: fc.integer({ min: 1970, max: 9999 }).map(String),
    mo: fc.integer({ min: 1, max: 12 }).map((n) => String(n).padStart(2, '0')),
    d: fc.integer({ min: 1, max: 28 }).map((n) => String(n).padStart(2, '0')),
    sep: fc.constantFrom('T', ' '),
    h: twoDigits(23),
    mi: twoDigits(59),
    s: fc.option(twoDigits(59)),
    frac: fc.option(digits(1, 9)),
    clock: fc.boolean(),
    zone: fc.constantFrom('', 'Z', '+00:00', '-05:30', '+0200', '+23:59'),
  })
  .chain((parts) =>
    fc
      .option(
        fc.constantFrom<[string, string]>(
          ['y', '0000'],
          ['y', '1969'],
          ['y', '0099'],
          ['y', '20261'],
          ['mo', '00'],
          ['mo', '13'],
          ['d', '00'],
          ['d', '29'],
          ['d', '30'],
          ['d', '31'],
          ['d', '32'],
          ['h', '24'],
          ['mi', '60'],
          ['s', '60'],
          ['sep', 't'],
          ['sep', '  '],
          ['zone', 'z'],
          ['zone', '+24:00'],
          ['zone', '-00:60'],
          ['zone', '+1'],
          ['frac', '1234567890'],
          ['frac', ''],
          ['y', '1970'],
        ),
        { freq: 4 },
      )
      .map((change) => (change ? { ...parts, [change[0]]: change[1], clock: parts.clock || ['h', 'mi', 's', 'sep', 'frac'].includes(change[0]) } : parts)),
  )
  .map(({ y, mo, d, sep, h, mi, s, frac, clock, zone }) => {
    const time = clock ? `${sep}${h}:${mi}${s === null ? '' : `:${s}${frac === null ? '' : `.${frac}`}`}` : '';
    return `${y}-${mo}-${d}${time}${zone}`;
  });
const timeText = fc.oneof(
  { arbitrary: isoText, weight: 4 },
  digits(1, 14),
  fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }).map(String),
  fc.constantFrom('253402300799', '253402300800', '999999999999', '-1', '1.5', '1e9'),
);
const timeValue = fc.oneof(
  { arbitrary: padded(timeText), weight: 4 },
  fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
  fc.constantFrom(0, -1, 253_402_300_799, 253_402_300_800, Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5),
  oddJson,
);

const integerText = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min: Math.max(0, min - 3), max: max + 3 }).map(String),
    fc.tuple(fc.constantFrom('0', '00', '-', '+'), fc.integer({ min, max })).map(([p, n]) => `${p}${n}`),
    fc.constantFrom(min - 1, min, max, max + 1).map(String),
    fc.constantFrom('1.0', '1e2', '0x10', '١٢', String(max + 1), String(min - 1), `${'0'.repeat(30)}${min}`, `${max}${'0'.repeat(20)}`),
  );
const integerValue = (min: number, max: number) =>
  fc.oneof(padded(integerText(min, max)), fc.integer({ min: min - 3, max: max + 3 }), fc.constantFrom(min - 1, min, max, max + 1, min + 0.5, 2 ** 60), oddJson);

function randomCase(word: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
}

const hexGroup = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 5 });
const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom('256', '00', '01', '010', '999'));
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc
  .record({ groups: fc.array(hexGroup, { minLength: 0, maxLength: 9 }), gap: fc.option(fc.nat()), tail: fc.option(ipv4) })
  .map(({ groups, gap, tail }) => {
    const written = tail === null ? groups : [...groups.slice(0, 6), tail];
    if (gap === null) return written.join(':');
    const at = gap % (written.length + 1);
    return `${written.slice(0, at).join(':')}::${written.slice(at).join(':')}`;
  });
const cidrValue = fc.oneof(
  padded(
    fc
      .tuple(
        fc.oneof(ipv4, ipv6, fc.constantFrom('::', '::1', '::ffff:10.0.0.1', '2001:db8::', 'fe80::1%eth0', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8')),
        fc.option(fc.integer({ min: 0, max: 130 })),
      )
      .map(([address, prefix]) => (prefix === null ? address : `${address}/${prefix}`)),
  ),
  fc.constantFrom('10.0.0.0/08', '10.0.0.0/', '/8', '10.0.0.0 /8'),
  oddJson,
);

function valueFor(spec: ParamSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'time':
      return timeValue;
    case 'integer':
      return integerValue(spec.min, spec.max);
    case 'integer-list': {
      const item = fc.oneof(
        fc.integer({ min: spec.min, max: spec.max }),
        fc.integer({ min: spec.min - 2, max: spec.max + 2 }),
        integerText(spec.min, spec.max),
      );
      const items = fc.array(item, { minLength: 0, maxLength: spec.maxCount + 2 });
      return fc.oneof(
        items,
        items.map((list) => list.join(',')),
        fc.tuple(items, fc.constantFrom(',', ', ', ' , ', ',,', ';')).map(([list, sep]) => list.join(sep)),
        oddJson,
      );
    }
    case 'pattern': {
      const prefix = /^[a-z]+-/.exec(spec.pattern)?.[0] ?? '';
      const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefA'), minLength: 6, maxLength: 19 });
      return fc.oneof(padded(hex.map((h) => `${prefix}${h}`)), padded(hex), oddJson);
    }
    case 'enum':
      return fc.oneof(padded(fc.constantFrom(...spec.values).chain(randomCase)), fc.constantFrom(...spec.values.map((v) => `${v}x`)), oddJson);
    case 'cidr':
      return cidrValue;
    case 'cidr-list': {
      const items = fc.array(cidrValue, { minLength: 0, maxLength: spec.maxCount + 2 });
      return fc.oneof(
        items,
        items.map((list) => list.map(String).join(',')),
        fc.tuple(items, fc.constantFrom(',', ', ', ' , ', ',,', ';')).map(([list, sep]) => list.map(String).join(sep)),
        oddJson,
      );
    }
    case 'protocol':
      return fc.oneof(padded(fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', 'icmpv4', 'sctp').chain(randomCase)), integerValue(0, 255));
  }
}

/** Values validation accepts, in the forms callers write them. */
function validFor(spec: ParamSpec): fc.Arbitrary<unknown> {
  const group = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 4 });
  switch (spec.kind) {
    case 'time':
      return fc.integer({ min: 0, max: 253_402_300_799 }).chain((t) => fc.constantFrom<unknown>(t, String(t), new Date(t * 1000).toISOString()));
    case 'integer':
      return fc.integer({ min: spec.min, max: spec.max }).chain((n) => fc.constantFrom<unknown>(n, String(n), ` 0${n} `));
    case 'integer-list':
      return fc
        .array(fc.integer({ min: spec.min, max: spec.max }), { minLength: spec.minCount, maxLength: spec.maxCount })
        .chain((list) => fc.constantFrom<unknown>(list, list.join(','), list.map(String), list.join(' , ')));
    case 'pattern': {
      const prefix = /^[a-z]+-/.exec(spec.pattern)?.[0] ?? '';
      return fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 17 }).map((h) => `${prefix}${h}`);
    }
    case 'enum':
      return fc.constantFrom(...spec.values).chain(randomCase);
    case 'cidr':
      return fc.oneof(
        fc
          .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.option(fc.integer({ min: 0, max: 32 })))
          .map(([n, p]) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') + (p === null ? '' : `/${p}`)),
        fc
          .tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.option(fc.integer({ min: 0, max: 128 })))
          .map(([g, p]) => g.join(':') + (p === null ? '' : `/${p}`)),
        fc.constantFrom('::/0', '::1', '2001:db8::/32', '::ffff:10.0.0.1/128', 'fe80::1'),
      );
    case 'cidr-list':
      return fc
        .array(validFor({ ...spec, kind: 'cidr' } as ParamSpec), { minLength: spec.minCount, maxLength: spec.maxCount })
        .chain((list) => fc.constantFrom<unknown>(list, list.join(','), list.join(' , ')));
    case 'protocol':
      return fc.oneof(
        fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6').chain(randomCase),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }).map(String),
      );
  }
}

/** A parameter object for a template: some of its parameters with generated values, and sometimes an unknown one. */
function paramsFor(specs: readonly ParamSpec[]): fc.Arbitrary<Record<string, unknown>> {
  const close = fc
    .integer({ min: 1_790_000_000, max: 1_800_000_000 })
    .chain((start) => fc.record({ start: fc.constant(start), end: fc.integer({ min: start + 1, max: start + 40 * 86_400 }) }));
  const entries = specs.map((spec) =>
    fc.option(fc.oneof({ arbitrary: validFor(spec), weight: 12 }, { arbitrary: valueFor(spec), weight: 1 }), { freq: 3 }).map((v) => [spec.name, v] as const),
  );
  return fc
    .tuple(
      fc.tuple(...entries),
      fc.option(close, { freq: 10, nil: null }),
      fc.oneof({ arbitrary: fc.constant(null), weight: 19 }, { arbitrary: fc.constantFrom('colour', '__proto__', 'Start'), weight: 1 }),
    )
    .map(([values, times, unknown]) => {
      const raw: Record<string, unknown> = {};
      for (const [name, value] of values) if (value !== null) raw[name] = value;
      if (times) Object.assign(raw, times);
      if (unknown !== null) Object.defineProperty(raw, unknown, { value: 'x', enumerable: true });
      return raw;
    });
}

describe.each([...TEMPLATES.values()].map((t) => [t.name, t] as const))('the published schema of %s', (_name, template) => {
  const schema = paramsJsonSchema(template.params, LIMITS);
  const check = ajv.compile(schema);

  test('accepts what validation accepts, and what it accepts validation refuses only for the rules it states in words', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(paramsFor(template.params), (raw) => {
        const problems = problemsOf(template.params, raw);
        const schemaAccepts = check(raw);
        if (problems.length === 0) {
          accepted++;
          expect({ raw, errors: check.errors }).toEqual({ raw, errors: null });
        } else if (problems.some((p) => !isUnstatable(p, raw))) {
          refused++;
          expect({ raw, problems, schemaAccepts }).toEqual({ raw, problems, schemaAccepts: false });
        }
      }),
      { numRuns: 800 },
    );
    // Both directions are tried many times, not vacuously.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  test('accepts and refuses each parameter on its own as validation does', () => {
    const day = { start: 1_795_651_200, end: 1_795_737_600 };
    for (const spec of template.params) {
      fc.assert(
        fc.property(valueFor(spec), (value) => {
          const raw = { ...day, [spec.name]: value };
          const problems = problemsOf(template.params, raw);
          if (problems.length > 0 && problems.every((p) => isUnstatable(p, raw))) return;
          expect({ spec: spec.name, value, schemaAccepts: check(raw) }).toEqual({ spec: spec.name, value, schemaAccepts: problems.length === 0 });
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('integerRangePattern', () => {
  test('matches exactly the numbers in the range, written without leading zeros', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 400_000 }), (a, b, n) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const re = new RegExp(`^(?:${integerRangePattern(min, max)})$`, 'u');
        for (const x of [n, min, max, min - 1, max + 1, Math.floor((min + max) / 2)].filter((v) => v >= 0)) {
          expect({ min, max, x, matches: re.test(String(x)) }).toEqual({ min, max, x, matches: x >= min && x <= max });
        }
        expect(re.test(`0${max}`)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
