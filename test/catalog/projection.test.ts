import fc from 'fast-check';
import { objectKey, partitionBounds, partitionsForRange, type Layout } from '../../src/flowlog/layout.js';
import { partitionsForPairs } from '../../src/catalog/add-partitions.js';
import { partitionInput, tableInput } from '../../src/catalog/model.js';
import { ACCOUNT_A, ACCOUNT_B, LAYOUTS, settingsFor } from './support.js';

/**
 * An independent oracle for what Athena does with projection parameters: a small Java
 * DateTimeFormatter (letters y, M, d, H; text in single quotes; '' for a quote), and the projection
 * of a `date` column as Trino's Athena-compatible implementation does it — UTC, from the left
 * bound to the right bound rounded down by the format, one interval at a time.
 */
type Token = { literal: string } | { letter: string; width: number };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      let text = '';
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'" && pattern[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (pattern[i] === "'") {
          i++;
          break;
        } else text += pattern[i++];
      }
      tokens.push({ literal: text === '' ? "'" : text });
    } else if (/[a-zA-Z]/.test(c)) {
      let width = 0;
      while (pattern[i] === c) {
        width++;
        i++;
      }
      if (!'yMdH'.includes(c)) throw new Error(`the oracle does not know pattern letter ${c}`);
      tokens.push({ letter: c, width });
    } else {
      tokens.push({ literal: c });
      i++;
    }
  }
  return tokens;
}

function fieldOf(letter: string, d: Date): number {
  return { y: d.getUTCFullYear(), M: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours() }[letter] as number;
}

function javaFormat(pattern: string, epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return tokenize(pattern)
    .map((t) => ('literal' in t ? t.literal : String(fieldOf(t.letter, d)).padStart(t.width, '0')))
    .join('');
}

function javaParse(pattern: string, text: string): number {
  const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0 };
  let at = 0;
  for (const t of tokenize(pattern)) {
    if ('literal' in t) {
      if (!text.startsWith(t.literal, at)) throw new Error(`'${text}' does not match ${pattern} at ${at}`);
      at += t.literal.length;
    } else {
      const digits = text.slice(at, at + t.width);
      if (!/^\d+$/.test(digits)) throw new Error(`'${text}' has no ${t.letter} at ${at}`);
      fields[t.letter] = Number(digits);
      at += t.width;
    }
  }
  if (at !== text.length) throw new Error(`'${text}' is longer than ${pattern}`);
  return Date.UTC(fields.y, fields.M - 1, fields.d, fields.H) / 1000;
}

/** The dt values Athena projects for a `date` column, given "now". */
function projectDates(params: Record<string, string>, now: number): string[] {
  const format = params['projection.dt.format'];
  const [left, right] = params['projection.dt.range'].split(',');
  const step = Number(params['projection.dt.interval']) * (params['projection.dt.interval.unit'] === 'HOURS' ? 3600 : 86_400);
  const start = javaParse(format, left);
  const end = right === 'NOW' ? javaParse(format, javaFormat(format, now)) : javaParse(format, right);
  const out: string[] = [];
  for (let t = start; t <= end; t += step) {
    out.push(javaFormat(format, t));
  }
  return out;
}

function resolveTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{([a-z_]+)\}/g, (_, key: string) => values[key]);
}

const NOW = Date.UTC(2026, 10, 27, 5, 30) / 1000;
const FROM_2025 = Date.UTC(2025, 0, 1) / 1000;
const HOUR = 3600;

function projectionSettings(layout: Layout) {
  return settingsFor({
    ...layout,
    partitionMode: 'projection',
    accounts: `${ACCOUNT_A},${ACCOUNT_B}`,
    regions: 'eu-west-1,us-east-1',
    projectionStart: '2025-01-01',
  });
}

describe.each(LAYOUTS)('partition projection in the %s layout', (_name, layout) => {
  const settings = projectionSettings(layout);
  const params = tableInput(settings).Parameters ?? {};

  test('formats every instant as the dt the key layout uses', () => {
    fc.assert(
      fc.property(fc.integer({ min: FROM_2025, max: NOW }), (t) => {
        const [dt] = partitionsForRange(layout, t, t + 1, 0);
        expect(javaFormat(params['projection.dt.format'], t)).toBe(dt);
      }),
    );
  });

  test('starts its range at the configured day and ends at the current partition', () => {
    const values = projectDates(params, NOW);

    expect(values[0]).toBe(partitionsForRange(layout, FROM_2025, FROM_2025 + 1, 0)[0]);
    expect(values.at(-1)).toBe(partitionsForRange(layout, NOW, NOW + 1, 0)[0]);
    expect(values).toHaveLength(layout.perHourPartition ? (NOW - FROM_2025 - 1800) / HOUR + 1 : 696);
  });

  test('resolves its location template to the folder AWS writes each file in, the one a managed partition points at', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: FROM_2025, max: NOW }),
        fc.constantFrom(ACCOUNT_A, ACCOUNT_B),
        fc.constantFrom('eu-west-1', 'us-east-1'),
        (t, account, region) => {
          const fileTime = t - (t % 300);
          const dt = javaFormat(params['projection.dt.format'], fileTime);
          const key = objectKey(layout, 'plain-text', { account, region, flowLogId: 'fl-0123456789abcdef0', fileTime, hash: 'a1b2c3d4' });
          const folder = `${settings.source.location}${key.slice(0, key.lastIndexOf('/') + 1)}`;

          const projected = resolveTemplate(params['storage.location.template'], { aws_account: account, aws_region: region, dt });

          expect(projected).toBe(folder);
          expect(partitionInput(settings.source, { account, region, dt }).StorageDescriptor?.Location).toBe(folder);
        },
      ),
    );
  });

  test('prunes a query range to the same partitions as managed mode does', () => {
    const projectedDts = projectDates(params, NOW);
    const managedDts = [...new Set(partitionsForPairs(settings.source, FROM_2025, NOW, [{ account: ACCOUNT_A, region: 'eu-west-1' }]).map((p) => p.dt))];
    fc.assert(
      fc.property(fc.integer({ min: FROM_2025, max: NOW - 2 * HOUR }), fc.integer({ min: 1, max: 40 * 24 * HOUR }), (start, length) => {
        const end = Math.min(NOW - HOUR, start + length);
        fc.pre(end > start);
        const bounds = partitionBounds(layout, start, end, 600);

        // Athena evaluates the predicate on each projected value; Glue prunes stored partitions by it.
        const projected = projectedDts.filter((dt) => dt >= bounds[0] && dt <= bounds[1]);
        const managed = managedDts.filter((dt) => dt >= bounds[0] && dt <= bounds[1]);

        expect(projected).toEqual(partitionsForRange(layout, start, end, 600));
        expect(managed).toEqual(projected);
      }),
      { numRuns: 200 },
    );
  });
});
