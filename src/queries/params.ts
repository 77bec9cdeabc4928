import { InvalidParameter, type ParameterProblem } from '../errors.js';
import { IPV4_PATTERN, IPV6_PATTERN, parseCidr } from '../flowlog/cidr.js';
import { shorten } from '../text.js';
import { MAX_TIME_SECONDS, parseTime } from '../time.js';

/** A validated parameter value: times as Unix seconds, numbers, strings, or a list of numbers or of networks. */
export type ParamValue = string | number | readonly number[] | readonly string[];

/** Validated parameter values by name; an optional parameter the caller left out is undefined. */
export type ParamValues = Readonly<Record<string, ParamValue | undefined>>;

interface SpecBase {
  readonly name: string;
  readonly description: string;
  /** A required parameter has no default and may not be left out. */
  readonly required: boolean;
  /** The log-format field a filter reads (`vpc-id`): needed only when the filter is given. */
  readonly field?: string;
}

/** How one template parameter is typed, checked, bound and published. */
export type ParamSpec = SpecBase &
  (
    | { readonly kind: 'time' }
    | { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly default?: number }
    | {
        readonly kind: 'integer-list';
        readonly min: number;
        readonly max: number;
        readonly minCount: number;
        readonly maxCount: number;
        readonly default?: readonly number[];
      }
    | { readonly kind: 'pattern'; readonly pattern: string; readonly example: string }
    | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default?: string }
    | { readonly kind: 'cidr'; readonly default?: string }
    | { readonly kind: 'cidr-list'; readonly minCount: number; readonly maxCount: number; readonly default?: readonly string[] }
    | { readonly kind: 'protocol' }
  );

/** Limits that apply to every request, from configuration. */
export interface ValidationLimits {
  /** The longest time range a query may cover, in days. */
  readonly maxRangeDays: number;
}

export const DEFAULT_LIMITS: ValidationLimits = { maxRangeDays: 31 };

/**
 * A regular expression body matching the decimal numbers from `min` to `max` (both at least 0)
 * written without leading zeros, so that a JSON Schema can bound a number given as a string.
 */
export function integerRangePattern(min: number, max: number): string {
  const alternatives: string[] = [];
  for (let digits = String(min).length; digits <= String(max).length; digits++) {
    const lo = digits === String(min).length ? String(min) : `1${'0'.repeat(digits - 1)}`;
    const hi = digits === String(max).length ? String(max) : '9'.repeat(digits);
    if (Number(lo) <= Number(hi)) alternatives.push(...sameLengthRange(lo, hi));
  }
  return alternatives.join('|');
}

function digitClass(a: number, b: number): string {
  return a === b ? String(a) : `[${a}-${b}]`;
}

/** Alternatives matching the numbers from `lo` to `hi`, which have the same number of digits. */
function sameLengthRange(lo: string, hi: string): string[] {
  if (lo.length === 1) return [digitClass(Number(lo), Number(hi))];
  const rest = lo.length - 1;
  if (lo[0] === hi[0]) return [`${lo[0]}(?:${sameLengthRange(lo.slice(1), hi.slice(1)).join('|')})`];
  const alternatives: string[] = [];
  let first = Number(lo[0]);
  let last = Number(hi[0]);
  if (lo.slice(1) !== '0'.repeat(rest)) {
    alternatives.push(`${lo[0]}(?:${sameLengthRange(lo.slice(1), '9'.repeat(rest)).join('|')})`);
    first++;
  }
  if (hi.slice(1) !== '9'.repeat(rest)) {
    alternatives.push(`${hi[0]}(?:${sameLengthRange('0'.repeat(rest), hi.slice(1)).join('|')})`);
    last--;
  }
  if (first <= last) alternatives.push(`${digitClass(first, last)}\\d{${rest}}`);
  return alternatives;
}

/** A whole string, with surrounding white space, as both validation and the published schema read it. */
function anchored(body: string): string {
  return `^\\s*(?:${body})\\s*$`;
}

function matcher(body: string): RegExp {
  // The flags JSON Schema validators use (ECMA-262 with `u`), so both read the pattern alike.
  return new RegExp(anchored(body), 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A pattern body matching `word` in any ASCII case: `[aA][cC][cC]...`. */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A whole number from min to max written as a string: leading zeros allowed, no sign. */
function numberText(min: number, max: number): string {
  return `0*(?:${integerRangePattern(min, max)})`;
}

const ISO_TIME =
  '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])' +
  '(?:[T ](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?)?' +
  '(?:Z|[+-](?:[01]\\d|2[0-3]):?[0-5]\\d)?';
/** Unix seconds as up to 12 digits, or ISO-8601: the text forms of a time. */
const TIME_TEXT = `(?=\\d{1,12}\\s*$)${numberText(0, MAX_TIME_SECONDS)}|${ISO_TIME}`;

/** A prefix length as parseCidr reads it: one to three digits, at most the family's width, then `follows`. */
const prefixText = (width: number, follows: string): string => `/(?=\\d{1,3}\\s*${follows})0*(?:${integerRangePattern(0, width)})`;
/** An IPv4 or IPv6 address, bare or with a prefix length in range for its family: what parseCidr accepts. */
const cidrText = (follows: string): string => `(?:${IPV4_PATTERN})(?:${prefixText(32, follows)})?|(?:${IPV6_PATTERN})(?:${prefixText(128, follows)})?`;
const CIDR_TEXT = cidrText('$');
/** One network of a list separated by commas. */
const CIDR_ITEM_TEXT = cidrText('(?:,|$)');

const PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ['tcp', 6],
  ['udp', 17],
  ['icmp', 1],
  ['icmpv6', 58],
]);
const PROTOCOL_TEXT = `${numberText(0, 255)}|${[...PROTOCOLS.keys()].map(anyCase).join('|')}`;

function listText(spec: { min: number; max: number; minCount: number; maxCount: number }): string {
  return itemsText(numberText(spec.min, spec.max), spec);
}

/** `minCount` to `maxCount` items separated by commas. */
function itemsText(item: string, spec: { minCount: number; maxCount: number }): string {
  return `(?:${item})(?:\\s*,\\s*(?:${item})){${spec.minCount - 1},${spec.maxCount - 1}}`;
}

/** The text forms a value of this kind may take (also the published schema's string pattern). */
function textPattern(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'time':
      return TIME_TEXT;
    case 'integer':
      return numberText(spec.min, spec.max);
    case 'integer-list':
      return listText(spec);
    case 'pattern':
      return spec.pattern;
    case 'enum':
      return spec.values.map(anyCase).join('|');
    case 'cidr':
      return CIDR_TEXT;
    case 'cidr-list':
      return itemsText(CIDR_ITEM_TEXT, spec);
    case 'protocol':
      return PROTOCOL_TEXT;
  }
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function inRange(n: unknown, min: number, max: number): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

function problem(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'time':
      return 'must be ISO-8601 UTC (2026-11-27T00:00:00Z, 2026-11-27) or Unix seconds';
    case 'integer':
      return `must be a whole number from ${spec.min} to ${spec.max}`;
    case 'integer-list':
      return `must be ${spec.minCount} to ${spec.maxCount} whole numbers from ${spec.min} to ${spec.max}, separated by commas`;
    case 'pattern':
      return `must look like ${spec.example}`;
    case 'enum':
      return `must be one of ${spec.values.join(', ')} (any case)`;
    case 'cidr':
      return 'must be an IPv4 or IPv6 address or CIDR block (10.0.0.0/8, 2001:db8::/32)';
    case 'cidr-list':
      return `must be ${spec.minCount} to ${spec.maxCount} IPv4 or IPv6 networks separated by commas (10.0.0.0/8,fc00::/7)`;
    case 'protocol':
      return `must be ${[...PROTOCOLS.keys()].join(', ')} (any case) or a protocol number from 0 to 255`;
  }
}

/** Checks one given (not blank) value. @throws Error with the reason. */
function checkValue(spec: ParamSpec, raw: unknown): ParamValue {
  if (spec.kind === 'cidr') {
    const cidr = parseCidr(raw);
    if ('problem' in cidr) throw new Error(cidr.problem);
    return cidr.cidr;
  }
  if (spec.kind === 'cidr-list') return checkCidrList(spec, raw);
  const bad = new Error(
    spec.kind === 'time' && typeof raw === 'string' ? `'${shorten(raw)}' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds` : problem(spec),
  );
  if (typeof raw === 'number') {
    switch (spec.kind) {
      case 'time': {
        const seconds = parseTime(raw);
        if (typeof seconds === 'string') throw new Error(seconds);
        return seconds;
      }
      case 'integer':
        if (inRange(raw, spec.min, spec.max)) return raw;
        throw bad;
      case 'protocol':
        if (inRange(raw, 0, 255)) return raw;
        throw bad;
      default:
        throw bad;
    }
  }
  if (spec.kind === 'integer-list' && Array.isArray(raw)) {
    const item = matcher(numberText(spec.min, spec.max));
    const items = (raw as unknown[]).map((n) => (typeof n === 'string' && item.test(n) ? Number(n) : n));
    if (items.length >= spec.minCount && items.length <= spec.maxCount && items.every((n) => inRange(n, spec.min, spec.max))) return items;
    throw bad;
  }
  if (typeof raw !== 'string' || !matcher(textPattern(spec)).test(raw)) throw bad;
  const text = raw.trim();
  switch (spec.kind) {
    case 'time': {
      const seconds = parseTime(text);
      if (typeof seconds === 'string') throw new Error(seconds);
      return seconds;
    }
    case 'integer':
      return Number(text);
    case 'integer-list':
      return text.split(',').map((item) => Number(item.trim()));
    case 'pattern':
      return text;
    case 'enum':
      return spec.values.find((v) => asciiLower(v) === asciiLower(text)) as string;
    case 'protocol':
      return PROTOCOLS.get(asciiLower(text)) ?? Number(text);
  }
}

/** A list of networks, as a JSON list or as text separated by commas: each canonical, in order, without repeats. */
function checkCidrList(spec: Extract<ParamSpec, { kind: 'cidr-list' }>, raw: unknown): string[] {
  const items = Array.isArray(raw) ? (raw as unknown[]) : typeof raw === 'string' ? raw.split(',') : undefined;
  if (items === undefined || items.length < spec.minCount || items.length > spec.maxCount) throw new Error(problem(spec));
  const networks = items.map((item, i) => {
    const cidr = parseCidr(item);
    if ('problem' in cidr) throw new Error(`item ${i + 1}: ${cidr.problem}`);
    return cidr.cidr;
  });
  return [...new Set(networks)];
}

/**
 * Checks a value written in a template header (a default) against its spec.
 * @throws Error with the reason.
 */
export function checkDefault(spec: ParamSpec, text: string): ParamValue {
  return checkValue(spec, text);
}

/**
 * Checks raw parameter values (strings from a command line or JSON values from a body) against
 * their specs. A value left out, null or blank counts as not given. Every problem is collected
 * before throwing, so a caller sees them all at once.
 * @throws InvalidParameter listing each bad or unknown parameter.
 */
export function validateParams(specs: readonly ParamSpec[], raw: Readonly<Record<string, unknown>>, limits: ValidationLimits = DEFAULT_LIMITS): ParamValues {
  const problems: ParameterProblem[] = [];
  const values: Record<string, ParamValue | undefined> = {};
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) problems.push({ param: name, message: `unknown parameter; expected one of ${[...known].join(', ')}` });
  }
  for (const spec of specs) {
    const value = raw[spec.name];
    if (isBlank(value)) {
      if (spec.required) problems.push({ param: spec.name, message: 'is required' });
      else values[spec.name] = 'default' in spec ? spec.default : undefined;
      continue;
    }
    try {
      values[spec.name] = checkValue(spec, value);
    } catch (error) {
      problems.push({ param: spec.name, message: (error as Error).message });
    }
  }
  const { start, end } = values;
  if (typeof start === 'number' && typeof end === 'number') {
    if (start >= end) problems.push({ param: 'end', message: 'must be after start' });
    else if (end - start > limits.maxRangeDays * 86_400) {
      problems.push({ param: 'end', message: `the range may cover at most ${limits.maxRangeDays} days` });
    }
  }
  if (problems.length > 0) throw new InvalidParameter(problems);
  return values;
}

/** The JSON Schema of one parameter's value, given (not blank). */
function valueSchemas(spec: ParamSpec): Record<string, unknown>[] {
  const text = { type: 'string', pattern: anchored(textPattern(spec)) };
  switch (spec.kind) {
    case 'time':
      return [{ type: 'integer', minimum: 0, maximum: MAX_TIME_SECONDS }, text];
    case 'integer':
      return [{ type: 'integer', minimum: spec.min, maximum: spec.max }, text];
    case 'integer-list': {
      const item = {
        anyOf: [
          { type: 'integer', minimum: spec.min, maximum: spec.max },
          { type: 'string', pattern: anchored(numberText(spec.min, spec.max)) },
        ],
      };
      return [{ type: 'array', minItems: spec.minCount, maxItems: spec.maxCount, items: item }, text];
    }
    case 'protocol':
      return [{ type: 'integer', minimum: 0, maximum: 255 }, text];
    case 'cidr-list':
      return [{ type: 'array', minItems: spec.minCount, maxItems: spec.maxCount, items: { type: 'string', pattern: anchored(CIDR_TEXT) } }, text];
    default:
      return [text];
  }
}

function describeParam(spec: ParamSpec, limits: ValidationLimits): string {
  const words = [spec.description];
  if (spec.kind === 'time') {
    words.push(
      'a real calendar date and time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (an offset such as +02:00 is applied first); eight digits that make a date (20261127) are refused, not read as seconds',
    );
    if (spec.name === 'end') words.push(`after start, and at most ${limits.maxRangeDays} days after it`);
  }
  if (!spec.required && !('default' in spec && spec.default !== undefined)) words.push('null or blank: not given');
  return words.join('; ');
}

/**
 * The JSON Schema (2020-12) of a template's parameters, as `GET /queries` and `flowq queries`
 * publish it. It accepts exactly what `validateParams` accepts, apart from what a schema cannot
 * state — calendar validity, the range of a time after its offset, and end after start within the
 * longest range — which the descriptions give in words.
 */
export function paramsJsonSchema(specs: readonly ParamSpec[], limits: ValidationLimits = DEFAULT_LIMITS): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const spec of specs) {
    const given = valueSchemas(spec);
    const anyOf = spec.required ? given : [{ type: 'null' }, { type: 'string', pattern: '^\\s*$' }, ...given];
    const defaultValue = 'default' in spec && spec.default !== undefined ? { default: spec.default } : {};
    properties[spec.name] = { description: describeParam(spec, limits), ...defaultValue, anyOf };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: specs.filter((s) => s.required).map((s) => s.name),
    properties,
  };
}

/** The internal networks unless told otherwise: RFC 1918, shared address space (RFC 6598) and unique local IPv6 (RFC 4193). */
export const INTERNAL_CIDRS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

const TIME_DESCRIPTION = 'ISO-8601 UTC (2026-11-27T00:00:00Z, or a date 2026-11-27) or Unix seconds';

/** The one catalogue of parameters templates share; a header's `@params` names them. */
export const SHARED_PARAMS: ReadonlyMap<string, ParamSpec> = new Map(
  (
    [
      { kind: 'time', name: 'start', required: true, description: `Start of the range, inclusive: ${TIME_DESCRIPTION}` },
      { kind: 'time', name: 'end', required: true, description: `End of the range, exclusive: ${TIME_DESCRIPTION}` },
      { kind: 'integer', name: 'limit', required: false, min: 1, max: 1000, default: 10, description: 'Most rows to return' },
      {
        kind: 'pattern',
        name: 'interface_id',
        required: false,
        field: 'interface-id',
        pattern: 'eni-[0-9a-f]{8,17}',
        example: 'eni-0123456789abcdef0',
        description: 'Only records of this network interface',
      },
      {
        kind: 'pattern',
        name: 'vpc_id',
        required: false,
        field: 'vpc-id',
        pattern: 'vpc-[0-9a-f]{8,17}',
        example: 'vpc-0123456789abcdef0',
        description: 'Only records of this VPC',
      },
      {
        kind: 'pattern',
        name: 'subnet_id',
        required: false,
        field: 'subnet-id',
        pattern: 'subnet-[0-9a-f]{8,17}',
        example: 'subnet-0123456789abcdef0',
        description: 'Only records of this subnet',
      },
      { kind: 'enum', name: 'action', required: false, field: 'action', values: ['ACCEPT', 'REJECT'], description: 'Only records with this action' },
      {
        kind: 'protocol',
        name: 'protocol',
        required: false,
        field: 'protocol',
        description: 'Only records of this protocol: tcp, udp, icmp, icmpv6 (any case) or its IANA number 0-255',
      },
      {
        kind: 'cidr',
        name: 'src_cidr',
        required: false,
        field: 'srcaddr',
        description: 'Only records whose srcaddr lies in this IPv4 or IPv6 CIDR block (a bare address is /32 or /128)',
      },
      {
        kind: 'integer',
        name: 'baseline_days',
        required: false,
        min: 1,
        max: 30,
        default: 7,
        description: 'Days before start that make the baseline the range is compared with',
      },
      {
        kind: 'cidr-list',
        name: 'internal_cidrs',
        required: false,
        minCount: 1,
        maxCount: 20,
        default: INTERNAL_CIDRS,
        description: 'The networks that are internal, separated by commas; any other address is external',
      },
      {
        kind: 'cidr',
        name: 'dst_cidr',
        required: false,
        field: 'dstaddr',
        description: 'Only records whose dstaddr lies in this IPv4 or IPv6 CIDR block (a bare address is /32 or /128)',
      },
    ] satisfies ParamSpec[]
  ).map((spec) => [spec.name, spec]),
);
