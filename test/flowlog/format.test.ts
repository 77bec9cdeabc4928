import { FIELDS } from '../../src/flowlog/fields.js';
import { DEFAULT_LOG_FORMAT, DEFAULT_LOG_FORMAT_TEXT, headerLine, parseHeaderLine, parseLogFormat } from '../../src/flowlog/format.js';
import { protocolName } from '../../src/flowlog/protocols.js';
import { InvalidLogFormat } from '../../src/errors.js';

describe('flow-log fields', () => {
  it('documents every field of versions 2 to 8 with its version, column name and types', () => {
    const byVersion = (v: number) => FIELDS.filter((f) => f.version === v).map((f) => f.name);
    expect(byVersion(2)).toEqual([
      'version',
      'account-id',
      'interface-id',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'packets',
      'bytes',
      'start',
      'end',
      'action',
      'log-status',
    ]);
    expect(byVersion(3)).toEqual(['vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr']);
    expect(byVersion(4)).toEqual(['region', 'az-id', 'sublocation-type', 'sublocation-id']);
    expect(byVersion(5)).toEqual(['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']);
    expect(byVersion(6)).toEqual([]);
    expect(byVersion(7)).toHaveLength(10);
    expect(byVersion(8)).toEqual(['reject-reason']);
    const typed = Object.fromEntries(FIELDS.filter((f) => f.athenaType !== 'string').map((f) => [f.column, `${f.athenaType}/${f.parquetType}`]));
    expect(typed).toEqual({
      version: 'int/INT32',
      srcport: 'int/INT32',
      dstport: 'int/INT32',
      protocol: 'int/INT32',
      tcp_flags: 'int/INT32',
      traffic_path: 'int/INT32',
      packets: 'bigint/INT64',
      bytes: 'bigint/INT64',
      start: 'bigint/INT64',
      end: 'bigint/INT64',
    });
    expect(FIELDS.find((f) => f.name === 'ecs-task-definition-arn')?.column).toBe('ecs_task_definition_arn');
  });
});

describe('parseLogFormat', () => {
  it('reads the default format as the 14 version-2 fields in order', () => {
    expect(DEFAULT_LOG_FORMAT.fields.map((f) => f.name)).toEqual(FIELDS.filter((f) => f.version === 2).map((f) => f.name));
    expect(DEFAULT_LOG_FORMAT_TEXT.startsWith('${version} ${account-id} ${interface-id}')).toBe(true);
  });

  it('keeps a custom order and tolerates extra white space', () => {
    const format = parseLogFormat('  ${region}   ${account-id} ${end}\t${start} ');
    expect(format.fields.map((f) => f.column)).toEqual(['region', 'account_id', 'end', 'start']);
    expect(format.text).toBe('${region} ${account-id} ${end} ${start}');
  });

  it.each([
    ['', /log format is empty/],
    ['   ', /log format is empty/],
    ['${version} ${colour}', /'\$\{colour\}' is unknown\. Valid fields: version, account-id/],
    ['${version} $srcaddr', /token '\$srcaddr' is malformed/],
    ['${version} ${srcaddr}x', /token '\$\{srcaddr\}x' is malformed/],
    ['${version},${srcaddr}', /token '\$\{version\},\$\{srcaddr\}' is malformed/],
    ['${srcaddr} ${dstaddr} ${srcaddr}', /'\$\{srcaddr\}' appears twice/],
  ])('refuses %j naming the token', (text, message) => {
    expect(() => parseLogFormat(text)).toThrow(InvalidLogFormat);
    expect(() => parseLogFormat(text)).toThrow(message);
  });

  it('reads a file header line and writes it back', () => {
    const format = parseHeaderLine('version vpc-id srcaddr log-status\r');
    expect(format.fields.map((f) => f.name)).toEqual(['version', 'vpc-id', 'srcaddr', 'log-status']);
    expect(headerLine(format)).toBe('version vpc-id srcaddr log-status');
  });
});

describe('protocolName', () => {
  it('names the common IANA protocols and prints any other as its number', () => {
    expect([1, 6, 17, 47, 50, 51, 58, 132, 4, 255].map(protocolName)).toEqual(['ICMP', 'TCP', 'UDP', 'GRE', 'ESP', 'AH', 'ICMPv6', 'SCTP', '4', '255']);
    expect(protocolName(null)).toBe('-');
  });
});
