import { InvalidConfiguration } from '../errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../flowlog/format.js';
import type { FileFormat } from '../flowlog/layout.js';
import { FlowLogWriter, type FlowLogFile } from './writer.js';

/** What `flowq sample` makes. */
export interface SampleOptions {
  /** The folder that will hold `AWSLogs/`. */
  readonly out: string;
  /** Full UTC days of data, ending at `until`. Default 3. */
  readonly days?: number;
  /** Records in all, roughly. Default 60,000. */
  readonly records?: number;
  readonly seed?: number;
  readonly logFormat?: string;
  readonly hive?: boolean;
  readonly perHour?: boolean;
  readonly fileFormat?: FileFormat;
  /** The end of the last full day (Unix seconds, a UTC midnight). Default: the start of today, UTC. */
  readonly until?: number;
  /** The span of one file. AWS delivers every 5 minutes; larger spans make fewer files. Default 60. */
  readonly fileMinutes?: number;
  /** How many flow logs (account × region pairs), 1 to 3. Default 3. */
  readonly flowLogs?: number;
  readonly gzipLevel?: number;
  /** Also write the 10 minutes after `until`, where the last day's late-ending flows are filed. Default true. */
  readonly lateTail?: boolean;
  readonly onProgress?: (written: number, total: number) => void;
}

/** What was written. */
export interface SampleSummary {
  readonly files: number;
  readonly records: number;
  /** The first and last instant of the full days (Unix seconds): [from, until). */
  readonly from: number;
  readonly until: number;
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same data set. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Interface {
  readonly id: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly subnet: string;
  readonly instance: string;
  readonly az: string;
}

interface FlowLogSpec {
  readonly account: string;
  readonly region: string;
  readonly flowLogId: string;
  readonly vpc: string;
  readonly interfaces: readonly Interface[];
}

const FLOW_LOGS: ReadonlyArray<Pick<FlowLogSpec, 'account' | 'region'>> = [
  { account: '111122223333', region: 'us-east-1' },
  { account: '111122223333', region: 'eu-west-1' },
  { account: '444455556666', region: 'us-east-1' },
];
const CLOSED_PORTS = [22, 23, 3389, 445, 1433, 3306, 5432, 6379, 8080, 9200, 27017, 5900, 2375, 11211];
const SERVICE_PORTS = [443, 443, 443, 80, 53, 123, 5432, 6379, 8443, 9092];

function hex(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function makeFlowLogs(random: () => number, count: number): FlowLogSpec[] {
  return FLOW_LOGS.slice(0, count).map((base, k) => ({
    ...base,
    flowLogId: `fl-${hex(random, 17)}`,
    vpc: `vpc-${hex(random, 17)}`,
    interfaces: Array.from({ length: 8 }, (_, i) => ({
      id: `eni-${hex(random, 17)}`,
      ipv4: `10.${k}.${i >> 2}.${10 + i}`,
      ipv6: i % 3 === 0 ? `2600:1f18:${(0x1a0 + k).toString(16)}:${i + 1}::${(i + 5).toString(16)}` : undefined,
      subnet: `subnet-${hex(random, 17)}`,
      instance: `i-${hex(random, 17)}`,
      az: `${base.region === 'eu-west-1' ? 'euw1' : 'use1'}-az${(i % 3) + 1}`,
    })),
  }));
}

/** Peers: a heavy-tailed population where a few addresses carry most of the bytes. */
function makePeers(random: () => number): { v4: string[]; v6: string[]; scanners: string[] } {
  const v4 = Array.from(
    { length: 300 },
    (_, i) => `${[52, 54, 3, 18, 34, 203][i % 6]}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
  );
  const group = (): string => Math.floor(1 + random() * 0xfffe).toString(16);
  const v6 = Array.from({ length: 40 }, () => `2a05:d018:${group()}:${group()}::${group()}`);
  const scanners = Array.from(
    { length: 12 },
    (_, i) => `${[45, 89, 185, 193][i % 4]}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
  );
  return { v4, v6, scanners };
}

/**
 * What the last full day holds that the days before do not, so a report's "What changed" has something to show: a
 * host that starts sending to an external address (203.0.113.0/24 is never a peer otherwise), a host that starts
 * accepting connections on a new port, and an interface whose traffic jumps. All are in the first flow log.
 */
function plantedChanges(log: FlowLogSpec, lastDay: number): Array<Record<string, string>> {
  const at = (hh: number, mm: number, ss = 0) => lastDay + hh * 3600 + mm * 60 + ss;
  const flow = (eni: Interface, o: { src: string; dst: string; srcport: number; dstport: number; bytes: number; start: number }) => ({
    'interface-id': eni.id,
    'subnet-id': eni.subnet,
    'instance-id': eni.instance,
    'az-id': eni.az,
    srcaddr: o.src,
    dstaddr: o.dst,
    srcport: String(o.srcport),
    dstport: String(o.dstport),
    protocol: '6',
    packets: String(Math.ceil(o.bytes / 1400)),
    bytes: String(o.bytes),
    start: String(o.start),
    end: String(o.start + 45),
    action: 'ACCEPT',
    'tcp-flags': '19',
    'flow-direction': o.src === eni.ipv4 ? 'egress' : 'ingress',
    'traffic-path': o.src === eni.ipv4 ? '8' : '-',
  });
  // The jump is a database's replication stream to a replica: from its port to the replica's ephemeral ports.
  const [sender, listener, jumper, database] = [log.interfaces[1], log.interfaces[2], log.interfaces[6], log.interfaces[7]];
  return [
    ...[0, 1, 2, 3].map((k) =>
      flow(sender, { src: sender.ipv4, dst: '203.0.113.23', srcport: 49_152 + k, dstport: 4444, bytes: 10_500_000 + k * 1000, start: at(3, 12 + 9 * k, 7) }),
    ),
    ...[0, 1, 2, 3, 4, 5].map((k) =>
      flow(listener, {
        src: `203.0.113.${45 + (k % 3)}`,
        dst: listener.ipv4,
        srcport: 51_000 + k,
        dstport: 8443,
        bytes: 200_000 + k * 500,
        start: at(5, 10 * k, 30),
      }),
    ),
    ...Array.from({ length: 20 }, (_, k) =>
      flow(jumper, {
        src: jumper.ipv4,
        dst: database.ipv4,
        srcport: 5432,
        dstport: 40_000 + k,
        bytes: 25_000_000 + k * 1000,
        start: at(10 + (k % 4), 3 * k, 0),
      }),
    ),
  ];
}

/**
 * Writes a realistic, deterministic flow-log data set in AWS's exact layout and file naming: several
 * accounts, regions and VPCs; a heavy-tailed mix of talkers; scanners hitting closed ports
 * (REJECT); NODATA and SKIPDATA records; IPv6; ICMP and ICMPv6; flows that start before
 * midnight but end after it, so they are filed in the next day's folder; and on the last day a new external
 * destination, a new listening port and a traffic jump (see plantedChanges).
 */
export async function writeSample(options: SampleOptions): Promise<SampleSummary> {
  const random = createRandom(options.seed ?? 1);
  const days = options.days ?? 3;
  const until = options.until ?? Math.floor(Date.now() / 86_400_000) * 86_400;
  const from = until - days * 86_400;
  const fileMinutes = options.fileMinutes ?? 60;
  const period = options.perHour ? 60 : 1440;
  // A file must not straddle two partitions: its folder is that of its window's start.
  if (!Number.isInteger(fileMinutes) || fileMinutes < 1 || period % fileMinutes !== 0) {
    throw new InvalidConfiguration(`file minutes must divide ${period} (the minutes of one partition), not ${fileMinutes}`);
  }
  if (until % 86_400 !== 0) throw new InvalidConfiguration('until must be a UTC midnight');
  const span = fileMinutes * 60;
  const format = options.logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(options.logFormat);
  const version = Math.max(...format.fields.map((f) => f.version));
  const flowLogs = makeFlowLogs(random, Math.min(3, Math.max(1, options.flowLogs ?? 3)));
  const peers = makePeers(random);
  // Windows run 10 minutes past `until`, so the last day's late-ending flows are filed after it.
  const stop = until + (options.lateTail === false ? 0 : 600);
  const windows: number[] = [];
  for (let t = from; t < stop; t += span) windows.push(t);
  const total = windows.length * flowLogs.length;
  const perFile = Math.max(1, Math.round((options.records ?? 60_000) / total));
  const writer = new FlowLogWriter({
    location: options.out,
    logFormat: format,
    fileFormat: options.fileFormat ?? 'plain-text',
    hiveCompatiblePartitions: options.hive ?? false,
    perHourPartition: options.perHour ?? false,
    gzipLevel: options.gzipLevel,
  });
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const zipf = <T>(items: readonly T[]): T => items[Math.floor(items.length * random() ** 3)];

  const planted = plantedChanges(flowLogs[0], until - 86_400);
  let files = 0;
  let records = 0;
  const pending: Promise<unknown>[] = [];
  try {
    for (const windowStart of windows) {
      const windowEnd = Math.min(windowStart + span, stop);
      for (const log of flowLogs) {
        const lines: string[][] = [];
        for (let n = 0; n < perFile; n++) {
          const end = windowStart + Math.floor(random() * (windowEnd - windowStart));
          const longAggregation = random() < 0.2;
          let start = end - Math.floor(random() * (longAggregation ? 600 : 60));
          if (start >= until) start = until - 1 - Math.floor(random() * 30);
          const eni = zipf(log.interfaces);
          const r: Record<string, string> = {
            version: String(version),
            'account-id': log.account,
            'interface-id': eni.id,
            start: String(start),
            end: String(end),
            'vpc-id': log.vpc,
            'subnet-id': eni.subnet,
            'instance-id': eni.instance,
            'tcp-flags': '0',
            type: 'IPv4',
            region: log.region,
            'az-id': eni.az,
            'sublocation-type': '-',
            'sublocation-id': '-',
            'pkt-src-aws-service': '-',
            'pkt-dst-aws-service': '-',
            'flow-direction': 'ingress',
            'traffic-path': '-',
            'reject-reason': '-',
            'log-status': 'OK',
          };
          const kind = random();
          if (kind < 0.04 || kind > 0.985) {
            // NODATA (no traffic in the interval) and SKIPDATA (records skipped): no addresses, ports or counts.
            Object.assign(r, {
              srcaddr: '-',
              dstaddr: '-',
              srcport: '-',
              dstport: '-',
              protocol: '-',
              packets: '-',
              bytes: '-',
              action: '-',
              'log-status': kind < 0.04 ? 'NODATA' : 'SKIPDATA',
              'tcp-flags': '-',
              type: '-',
            });
          } else if (kind < 0.17) {
            // A scanner probing a closed port: rejected, a packet or three.
            const packets = 1 + Math.floor(random() * 3);
            Object.assign(r, {
              srcaddr: pick(peers.scanners),
              dstaddr: eni.ipv4,
              srcport: String(1024 + Math.floor(random() * 64000)),
              dstport: String(zipf(CLOSED_PORTS)),
              protocol: '6',
              packets: String(packets),
              bytes: String(packets * (40 + Math.floor(random() * 20))),
              action: 'REJECT',
              'tcp-flags': '2',
              'reject-reason': version >= 8 && random() < 0.3 ? 'BPA' : '-',
            });
          } else if (kind < 0.21) {
            // ICMP echo, and ICMPv6 between IPv6 addresses where the interface has one.
            const v6 = eni.ipv6 !== undefined && random() < 0.5;
            const packets = 1 + Math.floor(random() * 10);
            Object.assign(r, {
              srcaddr: v6 ? pick(peers.v6) : pick(peers.v4),
              dstaddr: v6 ? eni.ipv6 : eni.ipv4,
              srcport: '0',
              dstport: '0',
              protocol: v6 ? '58' : '1',
              packets: String(packets),
              bytes: String(packets * 84),
              action: random() < 0.8 ? 'ACCEPT' : 'REJECT',
              type: v6 ? 'IPv6' : 'IPv4',
            });
          } else {
            // Ordinary traffic: a heavy-tailed mix, mostly TCP, some UDP and IPv6.
            const v6 = eni.ipv6 !== undefined && random() < 0.25;
            const egress = random() < 0.5;
            const local = v6 ? eni.ipv6 : eni.ipv4;
            const peer = v6 ? zipf(peers.v6) : zipf(peers.v4);
            const udp = random() < 0.15;
            const servicePort = udp ? pick([53, 123, 514]) : pick(SERVICE_PORTS);
            const packets = Math.min(120_000, 1 + Math.floor(5 * random() ** -1.1));
            const bytes = packets * (60 + Math.floor(random() * 1400));
            Object.assign(r, {
              srcaddr: egress ? local : peer,
              dstaddr: egress ? peer : local,
              srcport: String(egress ? 32768 + Math.floor(random() * 28000) : servicePort),
              dstport: String(egress ? servicePort : 32768 + Math.floor(random() * 28000)),
              protocol: udp ? '17' : '6',
              packets: String(packets),
              bytes: String(bytes),
              action: random() < 0.97 ? 'ACCEPT' : 'REJECT',
              'tcp-flags': udp ? '0' : pick(['3', '19', '18', '2']),
              type: v6 ? 'IPv6' : 'IPv4',
              'flow-direction': egress ? 'egress' : 'ingress',
              'traffic-path': egress ? pick(['1', '2', '8']) : '-',
              'pkt-dst-aws-service': egress && random() < 0.1 ? 'S3' : '-',
            });
          }
          r['pkt-srcaddr'] = r.srcaddr;
          r['pkt-dstaddr'] = r.dstaddr;
          lines.push(format.fields.map((f) => r[f.name] ?? '-'));
        }
        if (log === flowLogs[0]) {
          for (const p of planted.filter((p) => Number(p.end) >= windowStart && Number(p.end) < windowEnd)) {
            const r: Record<string, string> = {
              version: String(version),
              'account-id': log.account,
              'vpc-id': log.vpc,
              region: log.region,
              type: 'IPv4',
              ...p,
            };
            r['pkt-srcaddr'] = r.srcaddr;
            r['pkt-dstaddr'] = r.dstaddr;
            r['log-status'] = 'OK';
            lines.push(format.fields.map((f) => r[f.name] ?? '-'));
          }
        }
        const file: FlowLogFile = { account: log.account, region: log.region, flowLogId: log.flowLogId, fileTime: windowStart, records: lines };
        records += lines.length;
        pending.push(
          writer.write(file).then(() => {
            files++;
            options.onProgress?.(files, total);
          }),
        );
        // A few files in flight: gzip runs on libuv's threads while the next file is generated.
        if (pending.length >= 4) await Promise.all(pending.splice(0));
      }
    }
    await Promise.all(pending);
  } finally {
    await Promise.allSettled(pending);
    await writer.close();
  }
  return { files, records, from, until };
}
