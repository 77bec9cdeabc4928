import { renderReportHtml } from '../../src/reports/html.js';
import { reportDay } from '../../src/reports/period.js';
import { renderCsv } from '../../src/format/csv.js';
import { HOSTILE, hostileDocument } from './hostile.js';

/** An RFC 4180 reader, written apart from the renderer: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(record).toEqual([]);
  return records;
}

describe('escaping hostile values', () => {
  it('writes CSV that reads back as the values, with text a spreadsheet would run as a formula prefixed by a quote', () => {
    const doc = hostileDocument();
    const expected = [['label', 'bytes', 'delta'], ...HOSTILE.map((h, i) => [h.csv, String(doc.rows[i].bytes), String(doc.rows[i].delta)])];
    expect(parseCsv(renderCsv(doc))).toEqual(expected);
  });

  it('leaves negative numbers and numeric text in numeric columns as numbers', () => {
    const doc = {
      columns: [
        { name: 'delta', type: 'bigint' },
        { name: 'note', type: 'varchar' },
      ],
      rows: [
        { delta: -42, note: '-42' },
        { delta: '-9223372036854775808', note: '-1' },
        { delta: '=1+1', note: '' },
      ],
    };
    expect(renderCsv(doc)).toBe("delta,note\r\n-42,'-42\r\n-9223372036854775808,'-1\r\n'=1+1,\r\n");
  });

  it('escapes every value on the page: no markup from the data, no script element at all', () => {
    const html = renderReportHtml({
      day: reportDay(Date.UTC(2026, 9, 31) / 1000),
      generatedAt: '2026-11-01T01:15:00.000Z',
      sections: [{ status: { name: 'eni-bytes', params: { limit: 25 }, status: 'ok', rows: HOSTILE.length }, document: hostileDocument() }],
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('" onmouseover=');
    expect(html).toContain('&lt;script&gt;window.pwned = 1&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;single&#39;');
    // Each value appears escaped in its table cell, isolated from the text around it.
    for (const h of HOSTILE) expect(html).toContain(`<td><bdi>${h.html}</bdi></td>`);
  });
});
