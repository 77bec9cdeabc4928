/**
 * An independent oracle for the templates that compare a range with the days before it (issue 20): new-destinations,
 * new-listeners and traffic-change, computed in plain TypeScript from the records as written, following the issue's
 * contract. It knows nothing of the SQL in `queries/` nor of the CIDR code in `src/`: records are read and counted by
 * the rules of ./oracle.ts, and addresses are matched by ./library-oracle.ts's own CIDR test.
 *
 * - Internal: an address in one of `internal_cidrs` (of its own family); external: any other address (text that is
 *   no address is neither).
 * - new-destinations: ACCEPT records of the range from an internal source to an external destination, grouped by
 *   (source, destination, dstport, protocol), for the (source, destination) pairs with no ACCEPT record in the
 *   baseline [start - baseline_days, start) (the range's filters do not apply to the baseline).
 * - new-listeners: ACCEPT records of the range to an internal destination whose dstport is below its srcport (a
 *   listener, not a reply to an ephemeral port) and whose protocol is known, grouped by (address, port, protocol),
 *   for the triples with no such record in the baseline.
 * - traffic-change: per interface (or per internal address, once as source and once as destination), the bytes of the
 *   range and of the baseline (filters apply to both); a key is reported when the baseline has none and the range
 *   some ("new"), or the range's bytes are at least min_ratio times the baseline's daily mean ("up") or at most that
 *   mean divided by min_ratio ("down").
 */
import type { LogFormat } from '../../src/flowlog/format.js';
import { cidrContains, parseIp } from './library-oracle.js';
import { ascending, countDistinct, counting, descending, groupBy, readAll, sqlSum, type OracleFile, type OracleRow, type Value } from './oracle.js';

export const CHANGE_TEMPLATES = ['new-destinations', 'new-listeners', 'traffic-change'] as const;
export type ChangeTemplate = (typeof CHANGE_TEMPLATES)[number];

/** The default internal networks. */
export const DEFAULT_INTERNAL = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** The columns each template returns, in order (the names). */
export const CHANGE_COLUMNS: Readonly<Record<ChangeTemplate, readonly string[]>> = {
  'new-destinations': ['srcaddr', 'dstaddr', 'dstport', 'protocol', 'bytes', 'flows', 'first_seen'],
  'new-listeners': ['address', 'port', 'protocol', 'sources', 'flows', 'bytes', 'first_seen'],
  'traffic-change': ['key', 'change', 'bytes', 'baseline_daily_mean', 'ratio'],
};

/** A request with validated parameters. */
export interface ChangeQuery {
  readonly template: ChangeTemplate;
  readonly start: number;
  readonly end: number;
  readonly limit: number;
  readonly baseline_days: number;
  readonly internal_cidrs: readonly string[];
  readonly interface_id?: string;
  readonly protocol?: number;
  readonly by?: 'interface' | 'address';
  readonly min_ratio?: number;
}

type Rec = Record<string, Value>;
const DAY = 86_400;

function firstSeen(rs: readonly Rec[]): Value {
  const starts = rs.map((r) => r.start).filter((v): v is number => typeof v === 'number');
  return starts.length === 0 ? null : Math.min(...starts);
}

/** The rows a template must return for these files, in order, at most `limit`. */
export function expectedChangeRows(format: LogFormat, files: readonly OracleFile[], q: ChangeQuery): OracleRow[] {
  const all = readAll(format, files);
  const internal = (a: Value) => parseIp(a) !== null && q.internal_cidrs.some((c) => cidrContains(c, a));
  const external = (a: Value) => parseIp(a) !== null && !internal(a);
  const filtered = (rs: readonly Rec[]) => rs.filter((r) => q.protocol === undefined || r.protocol === q.protocol);
  const range = filtered(counting(format, all, { start: q.start, end: q.end, interface_id: q.interface_id }));
  const baselineStart = q.start - q.baseline_days * DAY;
  const baseline = counting(format, all, { start: baselineStart, end: q.start });
  const accepted = (rs: readonly Rec[]) => rs.filter((r) => r.action === 'ACCEPT');
  const id = (...values: Value[]) => JSON.stringify(values);
  let rows: OracleRow[];
  switch (q.template) {
    case 'new-destinations': {
      const seen = new Set(accepted(baseline).map((r) => id(r.srcaddr, r.dstaddr)));
      const fresh = accepted(range).filter((r) => internal(r.srcaddr) && external(r.dstaddr) && !seen.has(id(r.srcaddr, r.dstaddr)));
      rows = groupBy(fresh, ['srcaddr', 'dstaddr', 'dstport', 'protocol']).map(([k, rs]) => ({
        ...k,
        bytes: sqlSum(rs.map((r) => r.bytes)),
        flows: rs.length,
        first_seen: firstSeen(rs),
      }));
      rows.sort(
        (a, b) =>
          descending(a.bytes, b.bytes) ||
          ascending(a.srcaddr, b.srcaddr) ||
          ascending(a.dstaddr, b.dstaddr) ||
          ascending(a.dstport, b.dstport) ||
          ascending(a.protocol, b.protocol),
      );
      break;
    }
    case 'new-listeners': {
      const listening = (rs: readonly Rec[]) =>
        accepted(rs).filter((r) => typeof r.dstport === 'number' && typeof r.srcport === 'number' && r.dstport < r.srcport && r.protocol !== null);
      const seen = new Set(listening(baseline).map((r) => id(r.dstaddr, r.dstport, r.protocol)));
      const fresh = listening(range).filter((r) => internal(r.dstaddr) && !seen.has(id(r.dstaddr, r.dstport, r.protocol)));
      rows = groupBy(fresh, ['dstaddr', 'dstport', 'protocol']).map(([k, rs]) => ({
        address: k.dstaddr,
        port: k.dstport,
        protocol: k.protocol,
        sources: countDistinct(rs.map((r) => r.srcaddr)),
        flows: rs.length,
        bytes: sqlSum(rs.map((r) => r.bytes)),
        first_seen: firstSeen(rs),
      }));
      rows.sort((a, b) => descending(a.bytes, b.bytes) || ascending(a.address, b.address) || ascending(a.port, b.port) || ascending(a.protocol, b.protocol));
      break;
    }
    case 'traffic-change': {
      const days = q.baseline_days;
      const ratio = q.min_ratio ?? 3;
      const keysOf = (r: Rec): Value[] =>
        (q.by ?? 'interface') === 'interface' ? [r.interface_id] : [internal(r.srcaddr) ? r.srcaddr : null, internal(r.dstaddr) ? r.dstaddr : null];
      const totals = new Map<string, { key: string; bytes: number; base: number }>();
      const add = (rs: readonly Rec[], field: 'bytes' | 'base') => {
        for (const r of rs) {
          for (const key of keysOf(r)) {
            if (typeof key !== 'string') continue;
            const t = totals.get(key) ?? { key, bytes: 0, base: 0 };
            t[field] += r.bytes as number;
            totals.set(key, t);
          }
        }
      };
      add(range, 'bytes');
      add(filtered(counting(format, all, { start: baselineStart, end: q.start, interface_id: q.interface_id })), 'base');
      const changed = [...totals.values()].filter(
        ({ bytes, base }) => (base === 0 && bytes > 0) || (base > 0 && (bytes * days >= ratio * base || bytes * ratio * days <= base)),
      );
      changed.sort((a, b) => Math.abs(b.bytes * days - b.base) - Math.abs(a.bytes * days - a.base) || ascending(a.key, b.key));
      rows = changed.map(({ key, bytes, base }) => ({
        key,
        change: base === 0 ? 'new' : bytes * days > base ? 'up' : 'down',
        bytes,
        baseline_daily_mean: base / days,
        ratio: base > 0 ? bytes / (base / days) : null,
      }));
      break;
    }
  }
  return rows.slice(0, q.limit);
}
