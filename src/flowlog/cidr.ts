/**
 * IP addresses and CIDR networks as Athena engine v3 (Trino) reads them.
 *
 * Trino's `CAST(x AS IPADDRESS)` parses text with Guava's `InetAddresses.forString` (io.trino.type.IpAddressOperators)
 * into 16 bytes, IPv4 as IPv4-mapped IPv6; `contains(network VARCHAR, address IPADDRESS)`
 * (io.trino.operator.scalar.IpAddressFunctions) parses the network the same way and compares the first n bits of
 * addresses of one family (Java's InetAddress turns IPv4-mapped bytes back into IPv4). Trino has no IPPREFIX type.
 * The rules, which the DuckDB macros of the local engine reproduce:
 * - IPv4 is a dotted quad of decimal octets 0-255 without leading zeros (`010.0.0.1` is not an address).
 * - IPv6 is RFC 4291 text: one to four hex digits a group (any case), at most one `::` standing for at least one
 *   zero group, an optional dotted-quad tail. A zone (`%eth0`) is host-dependent in Trino; flow logs never carry
 *   one and flowq treats it as not an address.
 * - An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is the IPv4 address: `contains('10.0.0.0/8', '::ffff:10.1.2.3')`
 *   is true, and no IPv6 network (not even `::/0`) contains an IPv4 address. IPv4-compatible `::10.1.2.3` stays IPv6.
 * - Guava also reads non-ASCII digits (`１.２.３.４`); flowq reads ASCII only, as flow logs write it.
 * - A network without `/n`, or an IPv4 network with host bits set, is an error in Trino; {@link parseCidr} therefore
 *   hands the engines the canonical form only (host bits cleared, a bare address as /32 or /128, an IPv4-mapped
 *   network as the IPv4 network it denotes).
 * - `TRY_CAST` of anything else (`-`, empty, junk) is NULL, so `contains` is NULL and the record does not match.
 */

const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const H16 = '[0-9A-Fa-f]{1,4}';

/** A dotted-quad IPv4 address (regular-expression source without anchors; RE2 and JavaScript read it alike). */
export const IPV4_PATTERN = `${OCTET}(?:\\.${OCTET}){3}`;

const LS32 = `(?:${H16}:${H16}|${IPV4_PATTERN})`;
const before = (most: number): string => `(?:(?:${H16}:){0,${most - 1}}${H16})?`;

/** An IPv6 address in RFC 4291 text form, the grammar of RFC 3986's `IPv6address` (source without anchors). */
export const IPV6_PATTERN = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `${before(2)}::(?:${H16}:){3}${LS32}`,
  `${before(3)}::(?:${H16}:){2}${LS32}`,
  `${before(4)}::${H16}:${LS32}`,
  `${before(5)}::${LS32}`,
  `${before(6)}::${H16}`,
  `${before(7)}::`,
]
  .map((alternative) => `(?:${alternative})`)
  .join('|');

const IPV4 = new RegExp(`^${IPV4_PATTERN}$`);
const IPV6 = new RegExp(`^(?:${IPV6_PATTERN})$`);
const MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;

/** An address as Trino compares it: IPv4-mapped IPv6 addresses are IPv4. */
export interface IpAddress {
  readonly version: 4 | 6;
  /** The address as an unsigned 32-bit (IPv4) or 128-bit (IPv6) number. */
  readonly value: bigint;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

function ipv6Value(text: string): bigint {
  let groups = text;
  const quad = /[0-9.]+$/.exec(text);
  if (text.includes('.') && quad) {
    const v4 = ipv4Value(quad[0]);
    groups = `${text.slice(0, quad.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = groups.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}

/** Parses an address as `TRY_CAST(text AS IPADDRESS)` does; undefined where Trino gives NULL. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (IPV4.test(text)) return { version: 4, value: ipv4Value(text) };
  if (!IPV6.test(text)) return undefined;
  const value = ipv6Value(text);
  return value >> 32n === 0xffffn ? { version: 4, value: value & 0xffffffffn } : { version: 6, value };
}

/** An IP network in the one form both engines receive. */
export interface Cidr {
  /** Canonical text: host bits cleared, IPv6 lowercase and compressed as RFC 5952 (and Trino) print it. */
  readonly cidr: string;
  readonly version: 4 | 6;
  readonly prefix: number;
  /** The network address as a number (host bits zero). */
  readonly network: bigint;
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

const EXAMPLES = 'such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32';

/**
 * Validates a CIDR parameter: an IPv4 network /0 to /32, an IPv6 network /0 to /128, or a bare address (/32 or
 * /128). Host bits are cleared (`10.1.2.3/8` is `10.0.0.0/8`); an IPv4-mapped IPv6 network (`::ffff:10.0.0.0/104`)
 * becomes the IPv4 network it covers (`10.0.0.0/8`), as Trino compares mapped addresses as IPv4.
 * @returns the canonical network, or `{ problem }`: one line saying what to fix.
 */
export function parseCidr(text: unknown): Cidr | { readonly problem: string } {
  if (typeof text !== 'string' || text.trim() === '') return { problem: `must be an IPv4 or IPv6 network ${EXAMPLES}` };
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addressText = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const address = parseIpAddress(addressText);
  if (!address) {
    const hint = /(^|[.:])0[0-9]/.test(addressText) && !addressText.includes(':') ? ' (IPv4 octets have no leading zeros)' : '';
    return { problem: `'${addressText}' is not an IPv4 or IPv6 address${hint}; give a network ${EXAMPLES}` };
  }
  const textVersion = IPV4.test(addressText) ? 4 : 6;
  const width = textVersion === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > width) {
      return { problem: `'/${prefixText}' is not a prefix length: an IPv${textVersion} network takes /0 to /${width}` };
    }
    prefix = Number(prefixText);
  }
  if (textVersion === 4) {
    const network = address.value & (((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n));
    return { cidr: `${formatIpv4(network)}/${prefix}`, version: 4, prefix, network };
  }
  const full = ipv6Value(addressText);
  const network = full & (ALL_ONES ^ ((1n << BigInt(128 - prefix)) - 1n));
  if (prefix >= 96 && network >> 32n === MAPPED_PREFIX >> 32n) {
    const v4 = network & 0xffffffffn;
    return { cidr: `${formatIpv4(v4)}/${prefix - 96}`, version: 4, prefix: prefix - 96, network: v4 };
  }
  return { cidr: `${formatIpv6(network)}/${prefix}`, version: 6, prefix, network };
}

/**
 * Trino's `contains(cidr, TRY_CAST(address AS IPADDRESS))` for a canonical network: NULL (no match in a WHERE
 * clause) when the address is not one, false across families. The reference the local engine's macro is held to.
 */
export function cidrContains(cidr: Cidr, address: string | null): boolean | null {
  const ip = address === null ? undefined : parseIpAddress(address);
  if (!ip) return null;
  if (ip.version !== cidr.version) return false;
  const shift = BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix);
  return ip.value >> shift === cidr.network >> shift;
}
