import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionsForPairs } from '../../src/catalog/add-partitions.js';
import { partitionLocation, tableInput } from '../../src/catalog/model.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { writeSample } from '../../src/sample/generate.js';
import { LAYOUTS, settingsFor } from './support.js';

/** Athena shows DDL types under their SQL names in query results. */
const QUERY_TYPE: Record<string, string> = { int: 'integer', bigint: 'bigint', string: 'varchar' };

const V5_FORMAT =
  '${region} ${account-id} ${end} ${start} ${bytes} ${packets} ${action} ${log-status} ${protocol} ${dstport} ${srcport} ${dstaddr} ${srcaddr} ${interface-id} ${flow-direction} ${traffic-path} ${version}';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'flowq-catalog-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CASES = LAYOUTS.flatMap(([name, layout]) =>
  (['plain-text', 'parquet'] as const).flatMap((fileFormat) =>
    [
      ['the default format', undefined],
      ['a custom version-5 format', V5_FORMAT],
    ].map(([formatName, logFormat]) => [name, fileFormat, formatName, layout, logFormat] as const),
  ),
);

describe('the Glue table and the local engine', () => {
  test.each(CASES)(
    'expose the same columns and partition keys in the %s layout with %s files in %s',
    async (name, fileFormat, _formatName, layout, logFormat) => {
      // Arrange: one sample data set, read by the local engine and described by the catalog.
      const dir = join(root, `${name.replace(/\W/g, '-')}-${fileFormat}-${logFormat ? 'v5' : 'v2'}`);
      const until = Date.UTC(2026, 10, 27) / 1000;
      await writeSample({
        out: dir,
        days: 1,
        records: 200,
        seed: 7,
        flowLogs: 1,
        hive: layout.hiveCompatiblePartitions,
        perHour: layout.perHourPartition,
        fileFormat,
        logFormat,
        until,
      });
      const engine = await LocalEngine.open({ location: dir, table: 'flow_logs' });
      try {
        const settings = settingsFor({ ...layout, fileFormat, logFormat });

        // Act
        const viewColumns = await engine.viewColumns();
        const table = tableInput(settings);

        // Assert
        expect(engine.source).toMatchObject({ fileFormat, ...layout });
        expect(viewColumns).toEqual([...table.StorageDescriptor!.Columns!, ...table.PartitionKeys!].map((c) => ({ name: c.Name, type: QUERY_TYPE[c.Type!] })));
        // Every file the engine reads sits in the folder of a partition the catalog would add for its day (or the late tail after it).
        const pairs = [...new Map(engine.files.map((f) => [`${f.key.account}/${f.key.region}`, { account: f.key.account, region: f.key.region }])).values()];
        const managed = new Set(partitionsForPairs(settings.source, until - 86_400, until + 3600, pairs).map((p) => `${p.account}/${p.region}/${p.dt}`));
        for (const { key } of engine.files) {
          expect(managed.has(`${key.account}/${key.region}/${key.dt}`)).toBe(true);
          expect(`${settings.source.location}${key.relativeKey}`).toBe(`${partitionLocation(settings.source, key)}${key.relativeKey.split('/').at(-1)}`);
        }
      } finally {
        await engine.close();
      }
    },
  );
});
