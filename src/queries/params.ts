import { InvalidParameter, type ParameterProblem } from '../errors.js';
import { parseTime } from '../time.js';

/** How one template parameter is typed, checked and described. */
export type ParamSpec =
  | { kind: 'time'; name: string; description: string; required: true }
  | { kind: 'integer'; name: string; description: string; min: number; max: number; default: number }
  | { kind: 'pattern'; name: string; description: string; pattern: RegExp; example: string; column: string }
  | { kind: 'enum'; name: string; description: string; values: readonly string[]; column: string };

/** Validated parameter values: times as Unix seconds, integers as numbers, filters as strings. */
export type ParamValues = Readonly<Record<string, string | number | undefined>>;

/** Limits that apply to every request, from configuration. */
export interface ValidationLimits {
  /** The longest time range a query may cover, in days. */
  readonly maxRangeDays: number;
}

export const DEFAULT_LIMITS: ValidationLimits = { maxRangeDays: 31 };

/** The parameters every template takes. */
export const COMMON_PARAMS: readonly ParamSpec[] = [
  { kind: 'time', name: 'start', required: true, description: 'Start of the range, inclusive: ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds' },
  { kind: 'time', name: 'end', required: true, description: 'End of the range, exclusive: ISO-8601 UTC or Unix seconds' },
  { kind: 'integer', name: 'limit', min: 1, max: 1000, default: 10, description: 'Most rows to return (1-1000)' },
];

export const INTERFACE_ID: ParamSpec = {
  kind: 'pattern',
  name: 'interface_id',
  column: 'interface_id',
  pattern: /^eni-[0-9a-f]{8,17}$/,
  example: 'eni-0123456789abcdef0',
  description: 'Only records of this network interface (eni-...)',
};

export const ACTION: ParamSpec = {
  kind: 'enum',
  name: 'action',
  column: 'action',
  values: ['ACCEPT', 'REJECT'],
  description: 'Only records with this action: ACCEPT or REJECT',
};

function checkValue(spec: ParamSpec, raw: unknown): string | number {
  switch (spec.kind) {
    case 'time': {
      const t = parseTime(raw);
      if (typeof t === 'string') throw new Error(t);
      return t;
    }
    case 'integer': {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error('must be a whole number');
      if (n < spec.min || n > spec.max) throw new Error(`must be between ${spec.min} and ${spec.max}`);
      return n;
    }
    case 'pattern':
      if (typeof raw !== 'string' || !spec.pattern.test(raw)) throw new Error(`must look like ${spec.example}`);
      return raw;
    case 'enum':
      if (typeof raw !== 'string' || !spec.values.includes(raw)) throw new Error(`must be one of ${spec.values.join(', ')}`);
      return raw;
  }
}

/**
 * Checks raw parameter values (strings from a command line or JSON values from a body) against
 * their specs. Every problem is collected before throwing, so a caller sees them all at once.
 * @throws InvalidParameter listing each bad or unknown parameter.
 */
export function validateParams(
  specs: readonly ParamSpec[],
  raw: Readonly<Record<string, unknown>>,
  limits: ValidationLimits = DEFAULT_LIMITS,
): ParamValues {
  const problems: ParameterProblem[] = [];
  const values: Record<string, string | number | undefined> = {};
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) problems.push({ param: name, message: `unknown parameter; expected one of ${[...known].join(', ')}` });
  }
  for (const spec of specs) {
    const value = raw[spec.name];
    if (value === undefined || value === null || value === '') {
      if (spec.kind === 'time') problems.push({ param: spec.name, message: 'is required' });
      else values[spec.name] = spec.kind === 'integer' ? spec.default : undefined;
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

/** The JSON Schema of a template's parameters, for `GET /queries` and request validation. */
export function paramsJsonSchema(specs: readonly ParamSpec[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const spec of specs) {
    switch (spec.kind) {
      case 'time':
        properties[spec.name] = {
          description: spec.description,
          oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', minimum: 0 }],
        };
        break;
      case 'integer':
        properties[spec.name] = { type: 'integer', minimum: spec.min, maximum: spec.max, default: spec.default, description: spec.description };
        break;
      case 'pattern':
        properties[spec.name] = { type: 'string', pattern: spec.pattern.source, examples: [spec.example], description: spec.description };
        break;
      case 'enum':
        properties[spec.name] = { type: 'string', enum: [...spec.values], description: spec.description };
        break;
    }
  }
  return {
    type: 'object',
    additionalProperties: false,
    required: specs.filter((s) => s.kind === 'time').map((s) => s.name),
    properties,
  };
}
