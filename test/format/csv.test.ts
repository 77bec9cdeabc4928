import { renderCsv } from '../../src/format/csv.js';

describe('renderCsv', () => {
  it('writes RFC 4180 CSV: header row, CRLF, quotes doubled inside quoted fields, empty for NULL', () => {
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
