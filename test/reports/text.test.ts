import { displayValue, humanBytes, renderCsv, renderTable } from '../../src/reports/text.js';

describe('text renderers', () => {
  it('show bytes in decimal units with one decimal', () => {
    expect([0, 999, 1000, 1234, 1_250_000, 1.2e9, 3.4e12, 5e15, 7e18].map(humanBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '1.3 MB',
      '1.2 GB',
      '3.4 TB',
      '5.0 PB',
      '7000.0 PB',
    ]);
  });

  it('show protocols by name, ports as plain numbers, counts with separators and times in UTC', () => {
    expect(displayValue({ name: 'protocol', type: 'integer' }, 58)).toBe('ICMPv6');
    expect(displayValue({ name: 'dstport', type: 'integer' }, 3389)).toBe('3389');
    expect(displayValue({ name: 'flows', type: 'bigint' }, 1234567)).toBe('1,234,567');
    expect(displayValue({ name: 'first_seen', type: 'bigint' }, 1700000000)).toBe('2023-11-14 22:13:20');
    expect(displayValue({ name: 'srcaddr', type: 'varchar' }, null)).toBe('-');
  });

  it('align a table, numbers to the right', () => {
    const doc = {
      columns: [
        { name: 'interface_id', type: 'varchar' },
        { name: 'bytes', type: 'bigint' },
        { name: 'flows', type: 'bigint' },
      ],
      rows: [
        { interface_id: 'eni-1', bytes: 1_500_000, flows: 12 },
        { interface_id: 'eni-0123456789abcdef0', bytes: 10, flows: 1234 },
      ],
    };
    expect(renderTable(doc)).toBe(
      'interface_id            bytes  flows\n' +
        '---------------------  ------  -----\n' +
        'eni-1                  1.5 MB     12\n' +
        'eni-0123456789abcdef0    10 B  1,234\n',
    );
    expect(renderTable({ columns: doc.columns, rows: [] })).toBe('interface_id  bytes  flows\n------------  -----  -----\n(no rows)\n');
  });

  it('write RFC 4180 CSV: header row, CRLF, quotes doubled inside quoted fields, empty for NULL', () => {
    const doc = {
      columns: [
        { name: 'a', type: 'varchar' },
        { name: 'b', type: 'bigint' },
      ],
      rows: [
        { a: 'x,"y"', b: 1 },
        { a: 'line\nbreak', b: null },
        { a: 'plain', b: 2 },
      ],
    };
    expect(renderCsv(doc)).toBe('a,b\r\n"x,""y""",1\r\n"line\nbreak",\r\nplain,2\r\n');
  });
});
