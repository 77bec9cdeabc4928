import type { LogFormat } from '../../flowlog/format.js';
import { PLAIN_SCAN_WASM } from './plain-scan-wasm.js';

interface PlainScanExports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (start: number, end: number, lastField: number) => number;
  readonly field: WebAssembly.Global;
  readonly fieldStart: WebAssembly.Global;
  readonly nondigit: WebAssembly.Global;
  readonly previous: WebAssembly.Global;
}

/** Where the WebAssembly loop finds the chunk, and the most it takes at once. */
const CHUNK_AT = 65_536;
const CHUNK_MAX = 1 << 20;
let plainScan: PlainScanExports | undefined;

/** The loop of `plain-scan.wat`, made once per process; scanners take turns, each setting the state it left. */
function plainScanLoop(): PlainScanExports {
  plainScan ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PLAIN_SCAN_WASM, 'base64'))).exports as unknown as PlainScanExports;
  return plainScan;
}

/**
 * Decides, while a text file streams past, whether every record is plain: exactly one field per
 * format field, none empty, no `\\` (so no `\\N`) or carriage return, and every numeric field
 * either `-` or at most 9 (int) or 18 (bigint) ASCII digits. AWS writes nothing else. For such a
 * file DuckDB's typed read gives exactly what Athena's text reader gives, once `-` is put back in
 * string columns; any other file is read the exact (slower) way. The loop over the bytes runs in
 * WebAssembly (`plain-scan.wat`); this class holds the state between chunks.
 */
export class PlainRecordScanner {
  /** Per field: 0 for a string, else the most digits a plain value may have. */
  private readonly limits: Uint8Array;
  private inHeader = true;
  private plain = true;
  private field = 0;
  /** Bytes of the current field seen in earlier chunks. */
  private carried = 0;
  private nondigit = 0;
  private previous = 0;

  constructor(limits: readonly number[]) {
    if (limits.length === 0 || limits.length > 256) throw new RangeError(`a record has 1 to 256 fields, not ${limits.length}`);
    this.limits = Uint8Array.from(limits);
  }

  /** The scanner for a log format's fields. */
  static forFormat(format: LogFormat): PlainRecordScanner {
    return new PlainRecordScanner(format.fields.map((f) => (f.athenaType === 'string' ? 0 : f.athenaType === 'int' ? 9 : 18)));
  }

  push(chunk: Buffer): void {
    if (!this.plain) return;
    let start = 0;
    if (this.inHeader) {
      const nl = chunk.indexOf(10);
      if (nl === -1) return;
      this.inHeader = false;
      start = nl + 1;
    }
    // Backslashes and carriage returns are rare enough to look for natively, outside the loop.
    if (chunk.indexOf(92, start) !== -1 || chunk.indexOf(13, start) !== -1) {
      this.plain = false;
      return;
    }
    for (let at = start; at < chunk.length && this.plain; at += CHUNK_MAX) this.scan(chunk.subarray(at, at + CHUNK_MAX));
  }

  private scan(part: Buffer): void {
    const loop = plainScanLoop();
    new Uint8Array(loop.memory.buffer, 0, this.limits.length).set(this.limits);
    new Uint8Array(loop.memory.buffer, CHUNK_AT, part.length).set(part);
    loop.field.value = this.field;
    loop.fieldStart.value = -this.carried;
    loop.nondigit.value = this.nondigit;
    loop.previous.value = this.previous;
    if (loop.scan(0, part.length, this.limits.length - 1) === 0) {
      this.plain = false;
      return;
    }
    this.field = loop.field.value as number;
    this.carried = part.length - (loop.fieldStart.value as number);
    this.nondigit = loop.nondigit.value as number;
    this.previous = loop.previous.value as number;
  }

  /** Whether the whole file was plain: it must also end at the end of a line. */
  end(): boolean {
    return this.plain && !this.inHeader && this.field === 0 && this.carried === 0;
  }
}
