/**
 * The plain-record scanner's loop runs in WebAssembly (`src/engines/local/plain-scan.wat`). These tests
 * check the committed module is the assembled text, and compare the scanner over random texts, cut
 * into random chunks, with an oracle written from the rules alone, on strings rather than bytes.
 */
import fc from 'fast-check';
import { PlainRecordScanner } from '../../../src/engines/local/plain-scan.js';
import { PLAIN_SCAN_WASM } from '../../../src/engines/local/plain-scan-wasm.js';

// The generator is plain JavaScript; jest loads it as an ES module.
const { assemble } = await import('../../../scripts/build-wasm.mjs');

/** Whether a text is plain for fields with these digit limits (0 for a string field), by the rules. */
function plainByRules(text: string, limits: readonly number[]): boolean {
  const nl = text.indexOf('\n');
  if (nl === -1) return false;
  const body = text.slice(nl + 1);
  if (body === '') return true;
  if (!body.endsWith('\n') || /[\\\r]/.test(body)) return false;
  return body
    .slice(0, -1)
    .split('\n')
    .every((line) => {
      const fields = line.split(' ');
      return (
        fields.length === limits.length &&
        fields.every(
          (f, i) => f !== '' && ![...f].some((c) => c.charCodeAt(0) < 32) && (limits[i] === 0 || f === '-' || new RegExp(`^[0-9]{1,${limits[i]}}$`).test(f)),
        )
      );
    });
}

function scan(text: string, limits: readonly number[], cuts: readonly number[]): boolean {
  const scanner = new PlainRecordScanner(limits);
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b)) {
    scanner.push(bytes.subarray(at, cut));
    at = cut;
  }
  scanner.push(bytes.subarray(at));
  return scanner.end();
}

describe('the plain-record scanner', () => {
  it('runs the module assembled from plain-scan.wat (run npm run generate after editing it)', async () => {
    expect(PLAIN_SCAN_WASM).toBe((await assemble('src/engines/local/plain-scan.wat')).toString('base64'));
  });

  it('decides as the rules do, however the text is cut into chunks', () => {
    // Fields drawn mostly from plain values, sometimes from the values that make a file not plain.
    const value = fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[0-9]{1,19}$/) },
      { weight: 3, arbitrary: fc.constantFrom('-', 'eni-0a1b', '10.0.0.1', 'ACCEPT', 'OK', '2001:db8::1') },
      { weight: 1, arbitrary: fc.constantFrom('', '1.5', '+5', '0x10', '\\N', '-1', 'a\tb', '\x01', '\r', '\u00e9', '--') },
    );
    const limits = fc.array(fc.constantFrom(0, 9, 18), { minLength: 1, maxLength: 6 });
    const text = limits.chain((lims) =>
      fc.tuple(
        fc.constant(lims),
        // Up to 24 records, so that texts span several of the module's 64-byte blocks.
        fc.array(fc.array(value, { minLength: lims.length - 1, maxLength: lims.length + 1 }), { maxLength: 24 }),
        fc.constantFrom('\n', '', ' \n', '\n\n'),
      ),
    );
    fc.assert(
      fc.property(text, fc.array(fc.nat(2000), { maxLength: 8 }), ([lims, records, ending], cuts) => {
        const body = records.map((r) => r.join(' ')).join('\n');
        const input = `version bytes\n${body}${records.length > 0 ? ending : ''}`;
        expect(scan(input, lims, cuts)).toBe(plainByRules(input, lims));
      }),
      { numRuns: 3000 },
    );
  });

  it('decides as the rules do wherever a chunk ends and wherever the 64-byte blocks of the module fall', () => {
    // Values that are plain only in some columns, or never, each inside a record; the header's length
    // moves them across every block boundary, and the text is cut at every byte.
    const limits = [9, 0, 18];
    const good = '2 eni-0a1b 123456789012345678\n';
    const wrong: Array<[string, number, number]> = [];
    for (const value of ['-', '1.5', '0x10', '--', '-1', '1234567890123456789', '123456789012345678', '\u00e9', '', 'a\tb']) {
      for (const record of [`${value} eni-0a1b 7\n`, `2 ${value} 7\n`, `2 eni-0a1b ${value}\n`]) {
        for (let pad = 0; pad < 64; pad++) {
          const text = `h${'x'.repeat(pad)}\n${good}${record}${good}`;
          const expected = plainByRules(text, limits);
          for (let cut = 0; cut <= text.length; cut++) if (scan(text, limits, [cut]) !== expected) wrong.push([record, pad, cut]);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('scans a chunk larger than the module takes at once, and still finds a bad field past its first MiB', () => {
    const line = '2 111122223333 443 100\n';
    const limits = [9, 0, 9, 18];
    const body = line.repeat(Math.ceil((3 << 20) / line.length));
    expect(scan(`h\n${body}`, limits, [])).toBe(true);
    expect(scan(`h\n${body}${line.replace('100', '1.5')}${line}`, limits, [])).toBe(false);
    expect(scan(`h\n${body}${line.replace('100', '1.5')}${line}`, limits, [5, 1 << 20, (2 << 20) + 3])).toBe(false);
  });

  it('carries one field of 3 MiB across parts: plain in a string column, too long in a numeric one', () => {
    const long = 'x'.repeat(3 << 20);
    const digits = '7'.repeat(3 << 20);
    for (const cuts of [[], [1 << 20, (2 << 20) + 1], [7, 8, 9]]) {
      expect(scan(`h\n2 ${long} 443 100\n`, [9, 0, 9, 18], cuts)).toBe(true);
      expect(scan(`h\n2 abc 443 ${digits}\n`, [9, 0, 9, 18], cuts)).toBe(false);
    }
  });
});
