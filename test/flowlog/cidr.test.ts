import fc from 'fast-check';
import { cidrContains, parseCidr, parseIpAddress, type Cidr } from '../../src/flowlog/cidr.js';
import { junkAddress, networkAndAddress, oracleContains, oracleFamily } from '../support/ip-oracle.js';

function ok(text: string): Cidr {
  const parsed = parseCidr(text);
  if ('problem' in parsed) throw new Error(`${text}: ${parsed.problem}`);
  return parsed;
}

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 4, 8],
    ['10.1.2.3/8', '10.0.0.0/8', 4, 8],
    ['10.1.2.3', '10.1.2.3/32', 4, 32],
    ['  192.168.1.77/24 ', '192.168.1.0/24', 4, 24],
    ['255.255.255.255/0', '0.0.0.0/0', 4, 0],
    ['192.168.1.1/31', '192.168.1.0/31', 4, 31],
    ['10.0.0.0/008', '10.0.0.0/8', 4, 8],
    ['2001:DB8::/32', '2001:db8::/32', 6, 32],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329/128', 6, 128],
    ['2001:db8:85a3:1:1:8a2e:370:7334/48', '2001:db8:85a3::/48', 6, 48],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', 6, 128],
    ['2001:0:0:1:0:0:0:1/128', '2001:0:0:1::1/128', 6, 128],
    ['1:0:2:3:4:5:6:7/128', '1:0:2:3:4:5:6:7/128', 6, 128],
    ['ffff::/0', '::/0', 6, 0],
    ['::', '::/128', 6, 128],
    ['::1', '::1/128', 6, 128],
    ['1::', '1::/128', 6, 128],
    ['64:ff9b::192.0.2.33/96', '64:ff9b::/96', 6, 96],
    ['::10.1.2.3', '::a01:203/128', 6, 128],
    ['::ffff:10.1.2.3', '10.1.2.3/32', 4, 32],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8', 4, 8],
    ['::FFFF:0:0/96', '0.0.0.0/0', 4, 0],
    ['::ffff:10.0.0.0/95', '::fffe:0:0/95', 6, 95],
  ])('reads %s as %s', (text, cidr, version, prefix) => {
    expect(parseCidr(text)).toMatchObject({ cidr, version, prefix });
  });

  it.each([
    [undefined, 'must be an IPv4 or IPv6 network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32'],
    ['', 'must be an IPv4 or IPv6 network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32'],
    [8, 'must be an IPv4 or IPv6 network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32'],
    ['10.0.0/8', "'10.0.0' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32"],
    [
      '010.0.0.0/8',
      "'010.0.0.0' is not an IPv4 or IPv6 address (IPv4 octets have no leading zeros); give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32",
    ],
    ['10.0.0.256', "'10.0.0.256' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32"],
    ['2001:db8::1::/64', "'2001:db8::1::' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32"],
    ['fe80::1%eth0/64', "'fe80::1%eth0' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32"],
    ['-', "'-' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32"],
    ['10.0.0.0/33', "'/33' is not a prefix length: an IPv4 network takes /0 to /32"],
    ['10.0.0.0/', "'/' is not a prefix length: an IPv4 network takes /0 to /32"],
    ['10.0.0.0/-1', "'/-1' is not a prefix length: an IPv4 network takes /0 to /32"],
    ['10.0.0.0/8/8', "'/8/8' is not a prefix length: an IPv4 network takes /0 to /32"],
    ['2001:db8::/129', "'/129' is not a prefix length: an IPv6 network takes /0 to /128"],
    ['::ffff:10.0.0.0/129', "'/129' is not a prefix length: an IPv6 network takes /0 to /128"],
  ])('refuses %p: %s', (text, problem) => {
    expect(parseCidr(text)).toEqual({ problem });
  });

  it('prints IPv6 networks as the URL standard serialises their address: lowercase, the first longest zero run compressed', () => {
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const text = groups.map((g) => g.toString(16).padStart(4, '0').toUpperCase()).join(':');
        const expected = new URL(`http://[${text}]/`).hostname.slice(1, -1);
        fc.pre(!/^::ffff:[0-9a-f]+:[0-9a-f]+$/.test(expected)); // IPv4-mapped: an IPv4 network, tested above
        expect(ok(text).cidr).toBe(`${expected}/128`);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a network that contains exactly the addresses of the network it was given', () => {
    fc.assert(
      fc.property(networkAndAddress, ({ network, address }) => {
        expect(cidrContains(ok(`${network.base}/${network.prefix}`), address)).toBe(oracleContains(network, address));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseIpAddress', () => {
  it('accepts exactly the addresses Node accepts, zones aside, and reads IPv4-mapped IPv6 as IPv4', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          junkAddress,
          networkAndAddress.map((s) => s.address),
        ),
        (text) => {
          expect(parseIpAddress(text)?.version).toBe(oracleFamily(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is the NULL of TRY_CAST for what flow logs carry instead of an address', () => {
    expect(cidrContains(ok('0.0.0.0/0'), '-')).toBeNull();
    expect(cidrContains(ok('::/0'), '-')).toBeNull();
    expect(cidrContains(ok('0.0.0.0/0'), null)).toBeNull();
  });
});
