// The event validators are compiled at build time (scripts/compile-validators.mjs) so Lambda bundles
// carry no ajv; they must answer exactly as middy's own transpileSchema would at cold start.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { transpileSchema } from '@middy/validator/transpile';
import fc from 'fast-check';
import { EVENT_SCHEMAS } from '../../src/http/schemas.js';
import * as compiled from '../../src/http/validators.generated.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** Events near the shapes the schemas describe: right and wrong types, missing and extra keys. */
const value = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.constantFrom(null, true, '5b1a0c1e-8c1b-4a57-9c2b-2f7c9f0e1d11', '100', '0', ''),
  fc.object({ maxDepth: 1 }),
);
const httpEvent = fc.record(
  {
    pathParameters: fc.record({ name: value, id: value }, { requiredKeys: [] }),
    queryStringParameters: fc.oneof(fc.constant(null), fc.record({ nextToken: value, pageSize: value, other: value }, { requiredKeys: [] })),
    headers: fc.record({ 'idempotency-key': value }, { requiredKeys: [] }),
    body: fc.oneof(value, fc.record({ params: value, extra: value }, { requiredKeys: [] })),
    query: value,
    params: value,
  },
  { requiredKeys: [] },
);
// Events of each route's shape, with values of any type, so that every schema accepts many of them.
const invocation = fc.record({ query: fc.oneof(fc.string(), value), params: fc.oneof(value, fc.object({ maxDepth: 1 })) }, { requiredKeys: ['query'] });
const runQuery = fc.record({
  pathParameters: fc.record({ name: fc.oneof(fc.string(), value) }),
  headers: fc.record({ 'idempotency-key': value }, { requiredKeys: [] }),
  body: fc.record({ params: fc.oneof(value, fc.object({ maxDepth: 1 })) }),
});
const getExecution = fc.record(
  {
    pathParameters: fc.record({ id: fc.oneof(value, fc.uuid()) }),
    queryStringParameters: fc.oneof(fc.constant(null), fc.record({ nextToken: value, pageSize: value }, { requiredKeys: [] })),
  },
  { requiredKeys: ['pathParameters'] },
);
const event = fc.oneof(
  { arbitrary: httpEvent, weight: 1 },
  { arbitrary: invocation, weight: 2 },
  { arbitrary: runQuery, weight: 3 },
  { arbitrary: getExecution, weight: 3 },
  { arbitrary: value, weight: 1 },
);

describe('the compiled event validators', () => {
  test('are those of the current schemas', async () => {
    await expect(run(process.execPath, [join(ROOT, 'scripts/generate.mjs'), '--check'], { cwd: ROOT })).resolves.toBeDefined();
  });

  test.each(Object.keys(EVENT_SCHEMAS) as (keyof typeof EVENT_SCHEMAS)[])(
    '%s answers as middy compiles it at cold start: verdict, errors and coercions',
    (name) => {
      const { schema, ...options } = EVENT_SCHEMAS[name];
      const oracle = transpileSchema(schema, options) as unknown as Validate;
      const validate = compiled[name] as Validate;
      let valid = 0;

      fc.assert(
        fc.property(event, (e) => {
          const [mine, theirs] = [structuredClone(e), structuredClone(e)];
          const verdict = validate(mine);
          if (verdict) valid++;

          expect({ verdict, errors: validate.errors ?? null, event: mine }).toEqual({ verdict: oracle(theirs), errors: oracle.errors ?? null, event: theirs });
        }),
        { numRuns: 800 },
      );
      // Every schema accepts many of these events and refuses many, so both verdicts are exercised.
      expect(valid).toBeGreaterThan(10);
      expect(valid).toBeLessThan(790);
    },
  );
});
