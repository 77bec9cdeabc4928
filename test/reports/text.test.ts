import { displayValue, humanBytes, renderCsv, renderTable } from '../../src/reports/text.js';

describe('text renderers', () => {
  it('show bytes in decimal units with one decimal', () => {
    expect([0, 999, 1000, 1234, 999_949, 999_950, 1_250_000, 1.2e9, 999_999_999_999, 3.4e12, 5e15, 7e18].map(humanBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '999.9 kB',
      '1.0 MB',
      '1.3 MB',
      '1.2 GB',
      '1.0 TB',
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

  it('show control characters (C0, DEL, C1) and bidi or invisible format characters escaped, so a table is inert in a terminal', () => {
    const hostile = [
      'clear\x1b[2Jscreen',
      '\x1b]0;pwned title\x07',
      '\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\',
      'csi\x9b2J del\x7f nul\x00 tab\there\nnext',
      '\u202Eexe.live \u061C \u2066x\u2069 \u2060\u2064',
    ];
    const doc = { columns: [{ name: 'label\x1b[31m', type: 'varchar' }], rows: hostile.map((label) => ({ 'label\x1b[31m': label })) };
    expect(renderTable(doc)).toBe(
      [
        'label\\x1b[31m',
        '-'.repeat(60),
        'clear\\x1b[2Jscreen',
        '\\x1b]0;pwned title\\x07',
        '\\x1b]8;;http://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\',
        'csi\\x9b2J del\\x7f nul\\x00 tab\\x09here\\x0anext',
        '⟨U+202E⟩exe.live ⟨U+061C⟩ ⟨U+2066⟩x⟨U+2069⟩ ⟨U+2060⟩⟨U+2064⟩',
        '',
      ].join('\n'),
    );
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
