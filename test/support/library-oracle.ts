/**
 * An independent oracle for the template library of issue 10: the rows each template must return,
 * computed in plain TypeScript from the records as written, following the Contract table.
 * It knows nothing of the SQL in `queries/` nor of the CIDR code in `src/`: records are read and
 * counted by the rules of ./oracle.ts (start in [start, end), log-status OK where the format has
 * it, bytes a number), then filtered and grouped as the contract says.
 *
 * NULL (a field missing from a short line, or a number that does not parse) forms its own group as
 * in SQL's GROUP BY and sorts last; `-` in a string field is a value like any other, except where
 * the contract leaves it out (instance-id `-`, AWS service `-`).
 */
import type { LogFormat } from '../../src/flowlog/format.js';
import {
  ascending,
  compareStrings,
  countDistinct,
  counting,
  descending,
  groupBy,
  readAll,
  sqlSum,
  type OracleFile,
  type OracleRow,
  type Value,
} from './oracle.js';

type Rec = Record<string, Value>;

/** The 16 templates of the library. */
export const LIBRARY_TEMPLATES = [
  'accepted-traffic',
  'rejected-traffic',
  'ssh-rdp',
  'admin-ports',
  'top-addresses',
  'ip-versions',
  'top-instances',
  'top-subnets',
  'top-talkers-packet',
  'traffic-from',
  'traffic-to',
  'traffic-over-time',
  'eni-direction',
  'conversations',
  'port-scanners',
  'traffic-paths',
  'aws-services',
] as const;

export type LibraryTemplate = (typeof LIBRARY_TEMPLATES)[number];

const TRAFFIC = ['srcaddr', 'dstaddr', 'dstport', 'protocol', 'bytes', 'packets', 'flows'];
const PORT_TRAFFIC = ['srcaddr', 'dstaddr', 'dstport', 'action', 'bytes', 'packets', 'flows'];
const CIDR_TRAFFIC = ['srcaddr', 'dstaddr', 'dstport', 'protocol', 'action', 'bytes', 'packets', 'flows'];

/** The columns each template returns, in order (the Contract table's exact names). */
export const LIBRARY_COLUMNS: Readonly<Record<LibraryTemplate, readonly string[]>> = {
  'accepted-traffic': TRAFFIC,
  'rejected-traffic': TRAFFIC,
  'ssh-rdp': PORT_TRAFFIC,
  'admin-ports': PORT_TRAFFIC,
  'top-addresses': ['address', 'bytes_out', 'bytes_in', 'bytes', 'flows'],
  'ip-versions': ['ip_version', 'bytes', 'packets', 'flows'],
  'top-instances': ['instance_id', 'bytes', 'packets', 'flows'],
  'top-subnets': ['subnet_id', 'bytes', 'packets', 'flows'],
  'top-talkers-packet': ['pkt_srcaddr', 'pkt_dstaddr', 'bytes', 'packets', 'flows'],
  'traffic-from': CIDR_TRAFFIC,
  'traffic-to': CIDR_TRAFFIC,
  'traffic-over-time': ['bucket_start', 'bytes', 'packets', 'flows', 'rejected_flows'],
  'eni-direction': ['interface_id', 'bytes_in', 'bytes_out', 'packets_in', 'packets_out', 'flows'],
  conversations: ['addr_a', 'addr_b', 'bytes_a_to_b', 'bytes_b_to_a', 'bytes', 'packets', 'flows'],
  'port-scanners': ['srcaddr', 'ports', 'targets', 'flows', 'first_seen', 'last_seen'],
  'traffic-paths': ['traffic_path', 'path', 'bytes', 'packets', 'flows'],
  'aws-services': ['service', 'direction', 'traffic_path', 'bytes', 'packets', 'flows'],
};

/** The log-format fields each template needs beyond the default format (the Contract table). */
export const EXTRA_FIELDS: Readonly<Record<LibraryTemplate, readonly string[]>> = {
  ...(Object.fromEntries(LIBRARY_TEMPLATES.map((t) => [t, []])) as unknown as Record<LibraryTemplate, readonly string[]>),
  'top-instances': ['instance-id'],
  'top-subnets': ['subnet-id'],
  'top-talkers-packet': ['pkt-srcaddr', 'pkt-dstaddr'],
  'eni-direction': ['flow-direction'],
  'traffic-paths': ['traffic-path'],
  'aws-services': ['pkt-src-aws-service', 'pkt-dst-aws-service'],
};

/** The contract's default administration ports of `admin-ports`. */
export const DEFAULT_ADMIN_PORTS = [22, 23, 445, 1433, 1521, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 27017];

const BUCKET_SECONDS = { '5m': 300, '1h': 3600, '1d': 86_400 } as const;
export type Bucket = keyof typeof BUCKET_SECONDS;

/** A request to a library template, with validated parameters (protocol as its number). */
export interface LibraryQuery {
  readonly template: LibraryTemplate;
  readonly start: number;
  readonly end: number;
  readonly limit: number;
  readonly interface_id?: string;
  readonly vpc_id?: string;
  readonly subnet_id?: string;
  readonly action?: string;
  readonly protocol?: number;
  readonly src_cidr?: string;
  readonly dst_cidr?: string;
  /** traffic-from / traffic-to: the required network. */
  readonly cidr?: string;
  readonly ports?: readonly number[];
  readonly bucket?: Bucket;
  readonly min_ports?: number;
}

/** An IP address or network as a family and a 32- or 128-bit number. */
interface Ip {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((v, o) => (v << 8n) | BigInt(o), 0n);
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return all.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address as a flow log writes it, or null when it is none (`-`, junk, NULL). */
export function parseIp(text: Value): Ip | null {
  if (typeof text !== 'string') return null;
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  return v6 === null ? null : { family: 6, value: v6 };
}

/**
 * Whether a CIDR block (a bare address is /32 or /128) holds an address: one of its own family
 * (an IPv6 block never holds an IPv4 address, even ::/0) whose first `length` bits equal the
 * block's. IPv4-mapped IPv6 text (::ffff:a.b.c.d) is the dialect hook's own test; flow logs never
 * write it and the generators never make it.
 */
export function cidrContains(cidr: string, address: Value): boolean {
  const [base, bits] = cidr.split('/');
  const network = parseIp(base);
  const ip = parseIp(address);
  if (network === null) throw new Error(`oracle: '${cidr}' is not a CIDR block`);
  if (ip === null || ip.family !== network.family) return false;
  const width = network.family === 4 ? 32n : 128n;
  const shift = width - (bits === undefined ? width : BigInt(bits));
  return ip.value >> shift === network.value >> shift;
}

/** The records that count for a query: the common rules, then every filter it gives. */
function countingRecords(format: LogFormat, files: readonly OracleFile[], q: LibraryQuery): Rec[] {
  return counting(format, readAll(format, files), q).filter(
    (r) =>
      (q.vpc_id === undefined || r.vpc_id === q.vpc_id) &&
      (q.subnet_id === undefined || r.subnet_id === q.subnet_id) &&
      (q.protocol === undefined || r.protocol === q.protocol) &&
      (q.src_cidr === undefined || cidrContains(q.src_cidr, r.srcaddr)) &&
      (q.dst_cidr === undefined || cidrContains(q.dst_cidr, r.dstaddr)),
  );
}

const sum = (rs: readonly Rec[], column: string) => sqlSum(rs.map((r) => r[column]));
/** A sum that is 0 rather than NULL when nothing is summed. */
const total = (rs: readonly Rec[], column: string) => sum(rs, column) ?? 0;

function sqlMin(values: readonly Value[]): Value {
  const present = values.filter((v) => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => (ascending(a, b) <= 0 ? a : b));
}

function sqlMax(values: readonly Value[]): Value {
  const present = values.filter((v) => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => (ascending(a, b) >= 0 ? a : b));
}

/** Rows grouped by `keys` with bytes, packets and flows. */
function traffic(records: readonly Rec[], keys: readonly string[]): OracleRow[] {
  return groupBy(records, keys).map(([k, rs]) => ({ ...k, bytes: sum(rs, 'bytes'), packets: sum(rs, 'packets'), flows: rs.length }));
}

/** An ordering: each key ascending (NULLs last) unless it is named in `desc`. */
function orderBy(keys: readonly string[], desc: readonly string[] = []): (a: OracleRow, b: OracleRow) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = desc.includes(k) ? descending(a[k], b[k]) : ascending(a[k], b[k]);
      if (c !== 0) return c;
    }
    return 0;
  };
}

const PATHS: Readonly<Record<number, string>> = {
  1: 'same VPC',
  2: 'internet gateway or gateway endpoint',
  3: 'virtual private gateway',
  4: 'intra-region peering',
  5: 'inter-region peering',
  6: 'local gateway',
  7: 'gateway endpoint (Nitro)',
  8: 'internet gateway (Nitro)',
};

/** The unordered pair of a record's addresses: the lesser by string comparison first, NULL the greatest. */
function pair(r: Rec): { a: Value; b: Value; aSends: boolean } {
  const [src, dst] = [r.srcaddr, r.dstaddr];
  const srcFirst = dst === null || (src !== null && compareStrings(String(src), String(dst)) <= 0);
  return srcFirst ? { a: src, b: dst, aSends: true } : { a: dst, b: src, aSends: false };
}

/** The rows a library template must return for these files, in order, at most `limit`. */
export function expectedLibraryRows(format: LogFormat, files: readonly OracleFile[], q: LibraryQuery): OracleRow[] {
  const records = countingRecords(format, files, q);
  const has = (column: string) => format.fields.some((f) => f.column === column);
  let rows: OracleRow[];
  let order: (a: OracleRow, b: OracleRow) => number;
  switch (q.template) {
    case 'accepted-traffic':
    case 'rejected-traffic': {
      const action = q.template === 'accepted-traffic' ? 'ACCEPT' : 'REJECT';
      rows = traffic(
        records.filter((r) => r.action === action),
        ['srcaddr', 'dstaddr', 'dstport', 'protocol'],
      );
      const first = action === 'ACCEPT' ? 'bytes' : 'flows';
      order = orderBy([first, 'srcaddr', 'dstaddr', 'dstport', 'protocol'], [first]);
      break;
    }
    case 'ssh-rdp':
    case 'admin-ports': {
      const ports = q.template === 'ssh-rdp' ? [22, 3389] : (q.ports ?? DEFAULT_ADMIN_PORTS);
      rows = traffic(
        records.filter((r) => typeof r.dstport === 'number' && ports.includes(r.dstport)),
        ['srcaddr', 'dstaddr', 'dstport', 'action'],
      );
      order = orderBy(['flows', 'srcaddr', 'dstaddr', 'dstport', 'action'], ['flows']);
      break;
    }
    case 'top-addresses': {
      const addresses = new Map<string, Value>();
      for (const r of records) for (const a of [r.srcaddr, r.dstaddr]) addresses.set(JSON.stringify(a), a);
      rows = [...addresses.values()].map((address) => {
        const out = records.filter((r) => r.srcaddr === address);
        const inbound = records.filter((r) => r.dstaddr === address);
        const [bytesOut, bytesIn] = [total(out, 'bytes'), total(inbound, 'bytes')];
        const flows = records.filter((r) => r.srcaddr === address || r.dstaddr === address).length;
        return { address, bytes_out: bytesOut, bytes_in: bytesIn, bytes: bytesOut + bytesIn, flows };
      });
      order = orderBy(['bytes', 'address'], ['bytes']);
      break;
    }
    case 'ip-versions':
      rows = groupBy(
        records.map((r) => ({ ...r, ip_version: typeof r.srcaddr === 'string' && r.srcaddr.includes(':') ? 'IPv6' : 'IPv4' })),
        ['ip_version'],
      ).map(([k, rs]) => ({ ...k, bytes: sum(rs, 'bytes'), packets: sum(rs, 'packets'), flows: rs.length }));
      order = orderBy(['ip_version']);
      break;
    case 'top-instances':
      rows = traffic(
        records.filter((r) => r.instance_id !== null && r.instance_id !== '-'),
        ['instance_id'],
      );
      order = orderBy(['bytes', 'instance_id'], ['bytes']);
      break;
    case 'top-subnets':
      rows = traffic(records, ['subnet_id']);
      order = orderBy(['bytes', 'subnet_id'], ['bytes']);
      break;
    case 'top-talkers-packet':
      rows = traffic(records, ['pkt_srcaddr', 'pkt_dstaddr']);
      order = orderBy(['bytes', 'pkt_srcaddr', 'pkt_dstaddr'], ['bytes']);
      break;
    case 'traffic-from':
    case 'traffic-to': {
      const side = q.template === 'traffic-from' ? 'srcaddr' : 'dstaddr';
      if (q.cidr === undefined) throw new Error(`oracle: ${q.template} needs a cidr`);
      const cidr = q.cidr;
      rows = traffic(
        records.filter((r) => cidrContains(cidr, r[side])),
        ['srcaddr', 'dstaddr', 'dstport', 'protocol', 'action'],
      );
      order = orderBy(['bytes', 'srcaddr', 'dstaddr', 'dstport', 'protocol', 'action'], ['bytes']);
      break;
    }
    case 'traffic-over-time': {
      const size = BUCKET_SECONDS[q.bucket ?? '1h'];
      rows = groupBy(
        records.map((r) => ({ ...r, bucket_start: (r.start as number) - ((r.start as number) % size) })),
        ['bucket_start'],
      ).map(([k, rs]) => ({
        ...k,
        bytes: sum(rs, 'bytes'),
        packets: sum(rs, 'packets'),
        flows: rs.length,
        rejected_flows: rs.filter((r) => r.action === 'REJECT').length,
      }));
      order = orderBy(['bucket_start']);
      break;
    }
    case 'eni-direction':
      rows = groupBy(records, ['interface_id']).map(([k, rs]) => {
        const [ingress, egress] = [rs.filter((r) => r.flow_direction === 'ingress'), rs.filter((r) => r.flow_direction === 'egress')];
        return {
          ...k,
          bytes_in: total(ingress, 'bytes'),
          bytes_out: total(egress, 'bytes'),
          packets_in: total(ingress, 'packets'),
          packets_out: total(egress, 'packets'),
          flows: rs.length,
        };
      });
      order = (a, b) =>
        descending((a.bytes_in as number) + (a.bytes_out as number), (b.bytes_in as number) + (b.bytes_out as number)) ||
        ascending(a.interface_id, b.interface_id);
      break;
    case 'conversations':
      rows = groupBy(
        records.map((r) => {
          const { a, b, aSends } = pair(r);
          return { ...r, addr_a: a, addr_b: b, a_sends: aSends ? 1 : 0 };
        }),
        ['addr_a', 'addr_b'],
      ).map(([k, rs]) => ({
        ...k,
        bytes_a_to_b: total(
          rs.filter((r) => r.a_sends === 1),
          'bytes',
        ),
        bytes_b_to_a: total(
          rs.filter((r) => r.a_sends === 0),
          'bytes',
        ),
        bytes: sum(rs, 'bytes'),
        packets: sum(rs, 'packets'),
        flows: rs.length,
      }));
      order = orderBy(['bytes', 'addr_a', 'addr_b'], ['bytes']);
      break;
    case 'port-scanners':
      rows = groupBy(
        records.filter((r) => r.action === 'REJECT'),
        ['srcaddr'],
      )
        .map(([k, rs]) => ({
          ...k,
          ports: countDistinct(rs.map((r) => r.dstport)),
          targets: countDistinct(rs.map((r) => r.dstaddr)),
          flows: rs.length,
          first_seen: sqlMin(rs.map((r) => r.start)),
          last_seen: sqlMax(rs.map((r) => r.end)),
        }))
        .filter((row) => row.ports >= (q.min_ports ?? 10));
      order = orderBy(['ports', 'flows', 'srcaddr'], ['ports', 'flows']);
      break;
    case 'traffic-paths':
      rows = traffic(records, ['traffic_path']).map((row) => ({
        traffic_path: row.traffic_path,
        path: typeof row.traffic_path === 'number' ? (PATHS[row.traffic_path] ?? null) : null,
        bytes: row.bytes,
        packets: row.packets,
        flows: row.flows,
      }));
      order = orderBy(['bytes', 'traffic_path'], ['bytes']);
      break;
    case 'aws-services': {
      const sides = records.flatMap((r) => {
        const path = has('traffic_path') ? r.traffic_path : null;
        const out: Rec[] = [];
        if (r.pkt_src_aws_service !== null && r.pkt_src_aws_service !== '-')
          out.push({ ...r, service: r.pkt_src_aws_service, direction: 'from', traffic_path: path });
        if (r.pkt_dst_aws_service !== null && r.pkt_dst_aws_service !== '-')
          out.push({ ...r, service: r.pkt_dst_aws_service, direction: 'to', traffic_path: path });
        return out;
      });
      rows = traffic(sides, ['service', 'direction', 'traffic_path']);
      order = orderBy(['bytes', 'service', 'direction', 'traffic_path'], ['bytes']);
      break;
    }
  }
  return rows.sort(order).slice(0, q.limit);
}
