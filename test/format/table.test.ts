import { renderTable } from '../../src/format/table.js';

describe('renderTable', () => {
  it('shows control characters (C0, DEL, C1) and bidi or invisible format characters escaped, so a table is inert in a terminal', () => {
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

  it('aligns a table, numbers to the right', () => {
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
});
