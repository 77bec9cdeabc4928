import fc from 'fast-check';
import { partitionDt, type Layout } from '../../src/flowlog/layout.js';
import { DEFAULT_LOG_FORMAT } from '../../src/flowlog/format.js';
import { partitionsRead, renderQuery } from '../../src/queries/render.js';
import { formatTime } from '../../src/time.js';

const layouts: Layout[] = [
  { hiveCompatiblePartitions: false, perHourPartition: false },
  { hiveCompatiblePartitions: false, perHourPartition: true },
  { hiveCompatiblePartitions: true, perHourPartition: false },
  { hiveCompatiblePartitions: true, perHourPartition: true },
];

/** Oracle: the partitions of every minute in [from, to), in order, each once. */
function partitionsOfMinutes(layout: Layout, from: number, to: number): string[] {
  const seen: string[] = [];
  for (let t = from; t < to; t += 60) {
    const dt = partitionDt(layout, t);
    if (seen.at(-1) !== dt) seen.push(dt);
  }
  return seen;
}

const BASE = Date.UTC(2026, 10, 25) / 1000;

describe('partitionsRead', () => {
  test('lists every partition a record in range can be filed in, and marks those only the margin adds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...layouts),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.integer({ min: 1, max: 2 * 24 * 60 }),
        fc.integer({ min: 0, max: 60 }),
        (layout, startMinute, lengthMinutes, marginMinutes) => {
          const start = BASE + startMinute * 60;
          const end = start + lengthMinutes * 60;

          const read = partitionsRead(layout, start, end, marginMinutes * 60);

          const all = partitionsOfMinutes(layout, start, end + marginMinutes * 60);
          const own = new Set(partitionsOfMinutes(layout, start, end));
          expect(read).toEqual({ all, marginOnly: all.filter((dt) => !own.has(dt)), lateMarginSeconds: marginMinutes * 60 });
        },
      ),
    );
  });

  test.each([
    ['daily', false, ['2026/11/26', '2026/11/27'], ['2026/11/27']],
    ['hourly', true, [...Array.from({ length: 24 }, (_, h) => `2026/11/26/${String(h).padStart(2, '0')}`), '2026/11/27/00'], ['2026/11/27/00']],
  ])('for exactly one day on %s partitions, the margin adds one partition', (_what, perHourPartition, all, marginOnly) => {
    const layout = { hiveCompatiblePartitions: false, perHourPartition };

    expect(partitionsRead(layout, Date.UTC(2026, 10, 26) / 1000, Date.UTC(2026, 10, 27) / 1000, 600)).toEqual({ all, marginOnly, lateMarginSeconds: 600 });
    expect(partitionsRead(layout, Date.UTC(2026, 10, 26) / 1000, Date.UTC(2026, 10, 27) / 1000, 0)).toEqual({
      all: all.filter((dt) => !marginOnly.includes(dt)),
      marginOnly: [],
      lateMarginSeconds: 0,
    });
  });

  test("agrees with the rendered query's partition predicate", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...layouts),
        fc.integer({ min: 0, max: 72 }),
        fc.integer({ min: 1, max: 72 }),
        fc.integer({ min: 0, max: 3600 }),
        (layout, startHour, hours, margin) => {
          const start = BASE + startHour * 3600;
          const target = { table: 'flow_logs', layout, logFormat: DEFAULT_LOG_FORMAT, lateMarginSeconds: margin, dialect: 'athena' } as const;

          const query = renderQuery('top-talkers', { start: formatTime(start), end: formatTime(start + hours * 3600) }, target);

          expect([query.partitionsRead?.all[0], query.partitionsRead?.all.at(-1)]).toEqual([query.partitions.from, query.partitions.to]);
          expect(query.partitionsRead?.lateMarginSeconds).toBe(margin);
        },
      ),
    );
  });
});
