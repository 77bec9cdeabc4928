const NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'ICMP'],
  [6, 'TCP'],
  [17, 'UDP'],
  [47, 'GRE'],
  [50, 'ESP'],
  [51, 'AH'],
  [58, 'ICMPv6'],
  [132, 'SCTP'],
]);

/** The IANA name of a protocol number for the common ones; any other prints as its number. */
export function protocolName(protocol: number | null | undefined): string {
  if (protocol === null || protocol === undefined) return '-';
  return NAMES.get(protocol) ?? String(protocol);
}
