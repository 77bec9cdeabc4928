import { DuckDBInstance, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { DUCKDB_MACROS } from '../../src/engines/duckdb-macros.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { parseCidr, type Cidr } from '../../src/flowlog/cidr.js';
import { cidrContainsSql } from '../../src/queries/dialect.js';
import { writeSample } from '../../src/sample/generate.js';
import { junkAddress, networkAndAddress, oracleContains } from '../support/ip-oracle.js';
import { useTempDir } from '../support/tmp.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const statement of DUCKDB_MACROS) await connection.run(statement);
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

function canonical(text: string): Cidr {
  const parsed = parseCidr(text);
  if ('problem' in parsed) throw new Error(`${text}: ${parsed.problem}`);
  return parsed;
}

/** The macro over many (cidr, address) pairs in one query, the network as a bound value as templates bind it. */
async function macroResults(pairs: ReadonlyArray<{ cidr: string; address: string | null }>): Promise<Array<boolean | null>> {
  const rows = pairs.map((_, i) => `(${i}, ?::VARCHAR, ?::VARCHAR)`).join(', ');
  const sql = `SELECT ${cidrContainsSql('duckdb', 'c', 'a')} FROM (VALUES ${rows}) AS t(i, c, a) ORDER BY i`;
  const values = pairs.flatMap((p) => [p.cidr, p.address]);
  const reader = await connection.runAndReadAll(
    sql,
    values,
    values.map(() => VARCHAR),
  );
  return reader.getRowsJS().map((r) => r[0] as boolean | null);
}

async function macroWithParameter(cidr: string, address: string | null): Promise<boolean | null> {
  const reader = await connection.runAndReadAll(`SELECT ${cidrContainsSql('duckdb', '?', '?')}`, [cidr, address], [VARCHAR, VARCHAR]);
  return reader.getRowsJS()[0][0] as boolean | null;
}

describe('the local engine CIDR macro', () => {
  it('agrees with the oracle on random networks and addresses of both families, in every spelling', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(networkAndAddress, { minLength: 1, maxLength: 60 }), async (samples) => {
        const pairs = samples.map(({ network, address }) => ({ cidr: canonical(`${network.base}/${network.prefix}`).cidr, address }));
        expect(await macroResults(pairs)).toEqual(samples.map(({ network, address }) => oracleContains(network, address)));
      }),
      { numRuns: 150 },
    );
  });

  it('gives NULL, as Trino does after TRY_CAST, for anything that is not an address', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(networkAndAddress, junkAddress), { minLength: 1, maxLength: 60 }), async (samples) => {
        const pairs = samples.map(([{ network }, address]) => ({ cidr: canonical(`${network.base}/${network.prefix}`).cidr, address }));
        expect(await macroResults(pairs)).toEqual(samples.map(([{ network }, address]) => oracleContains(network, address)));
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['10.0.0.0/8', '9.255.255.255', false],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', '::FFFF:A01:203', true],
    ['10.0.0.0/8', '::10.1.2.3', false],
    ['10.0.0.0/8', '2001:db8::1', false],
    ['10.0.0.0/8', '010.1.2.3', null],
    ['10.0.0.0/8', '-', null],
    ['10.0.0.0/8', '', null],
    ['10.0.0.0/8', null, null],
    ['10.0.0.0/8', '::ffff:10.1.2.300', null],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['0.0.0.0/0', '::ffff:0:0', true],
    ['0.0.0.0/0', '::', false],
    ['192.0.2.1/32', '192.0.2.1', true],
    ['192.0.2.1/32', '192.0.2.0', false],
    ['::/0', '2001:db8::1', true],
    ['::/0', '10.1.2.3', false],
    ['::/0', '::ffff:10.1.2.3', false],
    ['::/0', '::10.1.2.3', true],
    ['::/0', 'fe80::1%eth0', null],
    ['::fffe:0:0/95', '::ffff:1.2.3.4', false],
    ['::fffe:0:0/95', '::fffe:1.2.3.4', true],
    ['2001:db8::/32', '2001:DB8:0:0:0:0:0:1', true],
    ['2001:db8::/32', '2001:0db8::', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['2001:db8::1/128', '2001:db8::1', true],
    ['2001:db8::1/128', '2001:db8::2', false],
    ['2001:db8::/127', '2001:db8::1', true],
    ['1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7:0/128', '1:2:3:4:5:6:7::', true],
    ['::1/128', '0:0:0:0:0:0:0:1', true],
    ['::1/128', '1::', false],
  ])('contains(%s, %s) is %s', async (cidr, address, expected) => {
    expect(await macroWithParameter(cidr, address)).toBe(expected);
    const family = cidr.includes(':') ? 6 : 4;
    const [base, prefix] = cidr.split('/');
    expect(oracleContains({ base, family, prefix: Number(prefix) }, address)).toBe(expected);
  });

  it('refuses what Trino refuses in the network, with its message', async () => {
    const refused = {
      '10.0.0.1/8': 'Invalid CIDR',
      '10.0.0.0': 'Invalid CIDR',
      '10.0.0.0/x': 'Invalid CIDR',
      'x/8': 'Invalid network IP address',
      '010.0.0.0/8': 'Invalid network IP address',
      '10.0.0.0/33': 'Prefix length exceeds address length',
      '::/129': 'Prefix length exceeds address length',
      '::ffff:10.0.0.0/104': 'Prefix length exceeds address length',
    };
    for (const [cidr, message] of Object.entries(refused)) {
      await expect(macroWithParameter(cidr, '10.1.2.3')).rejects.toThrow(`${message}: ${cidr}`);
    }
  });

  it('reads a network the way Trino does where it does not refuse it', async () => {
    // an IPv6 network may keep host bits; an IPv4-mapped network is the IPv4 network
    expect(await macroWithParameter('2001:db8::1/32', '2001:db8:ffff::')).toBe(true);
    expect(await macroWithParameter('::ffff:10.0.0.0/8', '10.200.0.1')).toBe(true);
    expect(await macroWithParameter('::ffff:10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(await macroWithParameter('10.0.0.0/08', '10.0.0.1')).toBe(true);
  });

  it('is NULL for a NULL network, as contains(NULL, ...) is, so an optional filter can be switched off', async () => {
    const reader = await connection.runAndReadAll(`SELECT ${cidrContainsSql('duckdb', 'NULL', "'10.1.2.3'")}`);
    expect(reader.getRowsJS()).toEqual([[null]]);
    const optional = `SELECT a FROM (VALUES ('10.1.2.3'), ('-'), ('2001:db8::1')) AS t(a) WHERE (? IS NULL OR ${cidrContainsSql('duckdb', '?', 'a')}) ORDER BY a`;
    const off = await connection.runAndReadAll(optional, [null, null], [VARCHAR, VARCHAR]);
    expect(off.getRowsJS()).toEqual([['-'], ['10.1.2.3'], ['2001:db8::1']]);
    const on = await connection.runAndReadAll(optional, ['10.0.0.0/8', '10.0.0.0/8'], [VARCHAR, VARCHAR]);
    expect(on.getRowsJS()).toEqual([['10.1.2.3']]);
  });
});

describe('the local engine', () => {
  const tmp = useTempDir();

  it('filters flow-log records by the network of their source address as the oracle does', async () => {
    await writeSample({ out: tmp(), days: 1, records: 3000, seed: 7, until: Date.UTC(2026, 5, 16) / 1000 });
    const engine = await LocalEngine.open({ location: tmp() });
    try {
      const everything = { template: 'cidr', params: {}, executionParameters: [], partitions: { from: '0', to: '9' } };
      const all = await engine.run({ ...everything, sql: 'SELECT srcaddr, count(*) AS n FROM flow_logs GROUP BY srcaddr', values: [] });
      const counts = new Map(all.rows.map((r) => [r.srcaddr as string | null, r.n as number]));
      const ipv6 = [...counts.keys()].find((a) => a?.includes(':'));
      expect(counts.has('-') && ipv6 !== undefined).toBe(true);
      const networks = ['10.0.0.0/8', '0.0.0.0/0', '::/0', '172.16.0.0/12', `${ipv6}/64`, `${[...counts.keys()].find((a) => a?.includes('.'))}/24`];
      for (const text of networks) {
        const network = canonical(text);
        const sql = `SELECT srcaddr, count(*) AS n FROM flow_logs WHERE ${cidrContainsSql('duckdb', '?', 'srcaddr')} GROUP BY srcaddr ORDER BY srcaddr`;
        const result = await engine.run({ ...everything, sql, values: [{ type: 'varchar', value: network.cidr }] });
        const [base, prefix] = network.cidr.split('/');
        const expected = [...counts]
          .filter(([address]) => oracleContains({ base, family: network.version, prefix: Number(prefix) }, address))
          .sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1))
          .map(([srcaddr, n]) => ({ srcaddr, n }));
        expect(result.rows).toEqual(expected);
        if (!text.startsWith('172.')) expect(expected.length).toBeGreaterThan(0);
      }
    } finally {
      await engine.close();
    }
  });
});

describe("the local engine's Trino time functions", () => {
  async function one(sql: string): Promise<string> {
    const reader = await connection.runAndReadAll(sql);
    return String(reader.getRows()[0][0]);
  }

  it.each([
    ['second', '2001-08-22 03:04:05'],
    ['minute', '2001-08-22 03:04:00'],
    ['hour', '2001-08-22 03:00:00'],
    ['day', '2001-08-22 00:00:00'],
    ['month', '2001-08-01 00:00:00'],
    ['quarter', '2001-07-01 00:00:00'],
    ['year', '2001-01-01 00:00:00'],
  ])("truncates Trino's documented example to the %s as Trino does", async (unit, expected) => {
    // Trino's documentation: date_trunc(unit, TIMESTAMP '2001-08-22 03:04:05.321'), here on a timestamp from_unixtime made.
    const seconds = Date.UTC(2001, 7, 22, 3, 4, 5, 321) / 1000;
    expect(await one(`SELECT date_trunc('${unit}', from_unixtime(${seconds}))`)).toBe(expected);
  });

  it('reads Unix seconds as a UTC timestamp with milliseconds, rounded as Trino rounds them, and back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 253402300799999 }), async (ms) => {
        const seconds = ms / 1000;
        const reader = await connection.runAndReadAll(`SELECT CAST(from_unixtime(${seconds}) AS VARCHAR), to_unixtime(from_unixtime(${seconds}))`);
        const [text, back] = reader.getRowsJS()[0] as [string, number];
        const iso = new Date(ms)
          .toISOString()
          .replace('T', ' ')
          .replace('Z', '')
          .replace(/\.000$/, '');
        expect([text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''), back]).toEqual([iso.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''), seconds]);
      }),
      { numRuns: 200 },
    );
    expect(await one('SELECT from_unixtime(1700000000)')).toBe('2023-11-14 22:13:20');
    expect(await one('SELECT from_unixtime(1700000000.1234)')).toBe('2023-11-14 22:13:20.123');
    expect(await one('SELECT typeof(to_unixtime(from_unixtime(0)))')).toBe('DOUBLE');
  });
});
