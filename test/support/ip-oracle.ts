/**
 * Trino's `contains(cidr, TRY_CAST(address AS IPADDRESS))`, computed with Node's own address code only (net.isIP,
 * net.BlockList, the WHATWG URL host parser), apart from src/flowlog/cidr.ts and the DuckDB macros it checks.
 *
 * Node and Trino agree on what an address is (dotted quads without leading zeros, RFC 4291 IPv6) except for zones,
 * which flowq treats as not an address. They differ in one place the oracle corrects: a BlockList IPv6 rule also
 * matches IPv4 addresses, while Trino never matches across families (IPv4-mapped IPv6 addresses count as IPv4).
 */
import fc from 'fast-check';
import { BlockList, isIP } from 'node:net';

/** 4 or 6 as Trino compares the address; undefined when TRY_CAST would give NULL. */
export function oracleFamily(address: string): 4 | 6 | undefined {
  if (address.includes('%')) return undefined;
  const kind = isIP(address);
  if (kind === 4) return 4;
  if (kind !== 6) return undefined;
  const host = new URL(`http://[${address}]/`).hostname;
  return /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(host) ? 4 : 6;
}

/** The expected result for a network given as base address text, its family and a prefix length. */
export function oracleContains(network: { base: string; family: 4 | 6; prefix: number }, address: string | null): boolean | null {
  const family = address === null ? undefined : oracleFamily(address);
  if (address === null || family === undefined) return null;
  if (family !== network.family) return false;
  const list = new BlockList();
  list.addSubnet(network.base, network.prefix, network.family === 4 ? 'ipv4' : 'ipv6');
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

const hex = (n: number, width = 1): string => n.toString(16).padStart(width, '0');

/** An IPv4 address as four octets, written as a dotted quad or in one of the IPv4-mapped IPv6 spellings. */
export function ipv4Text(octets: readonly number[], spelling: number): string {
  const [a, b, c, d] = octets;
  const quad = `${a}.${b}.${c}.${d}`;
  const high = hex(a * 256 + b);
  const low = hex(c * 256 + d);
  switch (spelling % 6) {
    case 1:
      return `::ffff:${quad}`;
    case 2:
      return `::FFFF:${high.toUpperCase()}:${low.toUpperCase()}`;
    case 3:
      return `0:0:0:0:0:ffff:${quad}`;
    case 4:
      return `0000:0000::ffff:${hex(a * 256 + b, 4)}:${hex(c * 256 + d, 4)}`;
    default:
      return quad;
  }
}

/** An IPv6 address as eight 16-bit groups, written in one of the forms RFC 4291 allows. */
export function ipv6Text(groups: readonly number[], spelling: number): string {
  const plain = groups.map((g) => hex(g));
  switch (spelling % 5) {
    case 0: {
      // compress the longest run of zero groups, as printed by most tools
      const host = new URL(`http://[${plain.join(':')}]/`).hostname;
      return host.slice(1, -1);
    }
    case 1:
      return groups.map((g) => hex(g, 4)).join(':');
    case 2:
      return plain.join(':').toUpperCase();
    case 3: {
      // the last 32 bits as a dotted quad
      const [g6, g7] = [groups[6], groups[7]];
      return `${plain.slice(0, 6).join(':')}:${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
    }
    default: {
      // '::' over the first zero group when there is one (a run of one may be compressed too)
      const zero = groups.indexOf(0);
      if (zero < 0) return plain.join(':');
      let end = zero;
      while (end < 8 && groups[end] === 0) end++;
      return `${plain.slice(0, zero).join(':')}::${plain.slice(end).join(':')}`;
    }
  }
}

const octet = fc.integer({ min: 0, max: 255 });
const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0xffff, 1, 0x2001, 0xdb8));

/** Text that is not an address, or nearly one: what flow logs carry instead (`-`) and what typos make. */
export const junkAddress = fc.oneof(
  fc.constantFrom(
    '-',
    '',
    ' ',
    'abc',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    'g::1',
    '::1.2.3',
    '1.2.3.4::',
    'fe80::1%eth0',
    '::1%1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::ffff:1.2.3.256',
    '-1.2.3.4',
    '+1.2.3.4',
    '1.2.3.4/8',
    '0x1.2.3.4',
    '::ffff:010.1.2.3',
  ),
  fc.stringMatching(/^[0-9a-fA-F.:]{0,16}$/),
);

/** A network of either family with an address that often lies inside it, as text in any spelling. */
export const networkAndAddress = fc
  .record({
    family: fc.constantFrom<4 | 6>(4, 6),
    base4: fc.array(octet, { minLength: 4, maxLength: 4 }),
    base6: fc.array(group, { minLength: 8, maxLength: 8 }),
    prefix: fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(0, 32, 128)),
    addressFamily: fc.constantFrom<4 | 6>(4, 6),
    other4: fc.array(octet, { minLength: 4, maxLength: 4 }),
    other6: fc.array(group, { minLength: 8, maxLength: 8 }),
    keepBits: fc.integer({ min: 0, max: 128 }),
    spelling: fc.nat(29),
  })
  .map((r) => {
    const width = r.family === 4 ? 32 : 128;
    const prefix = r.prefix % (width + 1);
    // The address shares its first keepBits bits with the network's base when the families agree.
    const keep = Math.min(r.keepBits, r.addressFamily === 4 ? 32 : 128);
    const sameFamily = r.addressFamily === r.family;
    const bits = (parts: readonly number[], size: number): string => parts.map((p) => p.toString(2).padStart(size, '0')).join('');
    const baseBits = r.family === 4 ? bits(r.base4, 8) : bits(r.base6, 16);
    const otherBits = r.addressFamily === 4 ? bits(r.other4, 8) : bits(r.other6, 16);
    const addressBits = sameFamily ? baseBits.slice(0, keep) + otherBits.slice(keep) : otherBits;
    const size = r.addressFamily === 4 ? 8 : 16;
    const parts = Array.from({ length: addressBits.length / size }, (_, i) => parseInt(addressBits.slice(i * size, (i + 1) * size), 2));
    const address = r.addressFamily === 4 ? ipv4Text(parts, r.spelling) : ipv6Text(parts, r.spelling);
    const base = r.family === 4 ? r.base4.join('.') : ipv6Text(r.base6, r.spelling + 1);
    return { network: { base, family: r.family, prefix }, address };
  })
  // An IPv6 base that is IPv4-mapped is an IPv4 network to Trino; those are covered by examples.
  .filter(({ network }) => network.family === 4 || oracleFamily(network.base) === 6);
