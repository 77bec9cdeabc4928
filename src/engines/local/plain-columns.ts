import { isAscii } from 'node:buffer';
import type { LogFormat } from '../../flowlog/format.js';
import { ParquetFile, type ColumnValues } from './parquet-write.js';

/** Rows in a row group of a copy, as DuckDB's own writer groups them. */
const ROW_GROUP_ROWS = 122_880;

/**
 * The most digits of a number read here: 9 for an int (as the plain-record rules allow) and 15 for
 * a bigint, below 2^52, where the writer's arithmetic on JavaScript numbers is exact. A bigint of 16
 * to 18 digits is plain too, but its file is copied by DuckDB.
 */
const MAX_DIGITS = { int: 9, bigint: 15 } as const;

/** The distinct values of a text column in one row group, each found by its bytes' hash. */
class Dictionary {
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(256);
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private arena = new Uint8Array(1 << 14);
  private words = new DataView(this.arena.buffer);
  private used = 0;
  count = 0;

  /** The index of the bytes `buf[start, end)` (read 4 at a time through `words`), whose hash is `hash`, added if new. */
  index(buf: Uint8Array, words: DataView, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) return this.add(buf, start, end, hash, slot);
      if (this.hashes[entry] !== hash || this.ends[entry] - this.starts[entry] !== length) continue;
      const at = this.starts[entry];
      let k = 0;
      while (k + 4 <= length && this.words.getInt32(at + k, true) === words.getInt32(start + k, true)) k += 4;
      if (k + 4 <= length) continue;
      while (k < length && this.arena[at + k] === buf[start + k]) k++;
      if (k === length) return entry;
    }
  }

  private add(buf: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const entry = this.count++;
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.starts = grown(this.starts);
      this.ends = grown(this.ends);
    }
    if (this.used + (end - start) > this.arena.length) {
      const arena = new Uint8Array(Math.max(this.arena.length * 2, this.used + end - start));
      arena.set(this.arena.subarray(0, this.used));
      this.arena = arena;
      this.words = new DataView(arena.buffer);
    }
    this.arena.set(buf.subarray(start, end), this.used);
    this.hashes[entry] = hash;
    this.starts[entry] = this.used;
    this.used += end - start;
    this.ends[entry] = this.used;
    this.slots[slot] = entry + 1;
    // Kept at most half full, so that a probe ends soon.
    if (this.count * 2 > this.slots.length) this.rehash();
    return entry;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      const hash = this.hashes[entry];
      let slot = hash & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }

  /** The values, in index order. */
  values(): Uint8Array[] {
    return Array.from({ length: this.count }, (_, entry) => this.arena.subarray(this.starts[entry], this.ends[entry]));
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
    this.used = 0;
  }
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** The longest line read here, 1 MiB: a flow-log record is far shorter; a file with a longer one is left to DuckDB. */
const LONGEST_LINE = 1 << 20;

const POWERS_OF_TEN = [1, 10, 100, 1000, 10000];

/** Room past the text in the work buffer: a field is read 4 bytes at a time, up to 3 past its line's end. */
const SLACK = 8;

/**
 * Builds the Parquet copy of a plain file (see `PlainRecordScanner`) from its text as it streams past,
 * with the values DuckDB's typed read of it gives (`textRecordsSql`): numbers in their column's type,
 * `-` as NULL in a number column and as `-` in a text column. It reads the plain records AWS writes:
 * a header line, then one line per record of fields separated by one space, numbers of ASCII digits
 * or `-`, text of ASCII bytes other than `\\`. Anything else (a byte above 127, a bigint of more
 * than 15 digits, a line over 1 MiB, a malformed line) leaves it without a copy, and the file is
 * copied by DuckDB instead. Reused from file to file after {@link PlainColumns.reset}.
 */
export class PlainColumns {
  /** Per field: 0 for text, else the most digits of its numbers. */
  private readonly limits: Uint8Array;
  private readonly numbers: Float64Array[];
  private readonly indices: Int32Array[];
  private readonly dictionaries: Dictionary[];
  private file!: ParquetFile;
  private rows = 0;
  private failed = false;
  private inHeader = true;
  /** The text being read: the start of a line that the last chunk cut, then the next chunk. */
  private work = Buffer.alloc(1 << 16);
  private words = new DataView(this.work.buffer, this.work.byteOffset, this.work.length);
  /** How many bytes at the start of `work` are a line cut by the last chunk. */
  private held = 0;

  constructor(
    private readonly format: LogFormat,
    private readonly rowGroupRows = ROW_GROUP_ROWS,
  ) {
    this.limits = Uint8Array.from(format.fields, (f) => (f.athenaType === 'string' ? 0 : MAX_DIGITS[f.athenaType]));
    this.numbers = format.fields.map((f) => new Float64Array(f.athenaType === 'string' ? 0 : rowGroupRows));
    this.indices = format.fields.map((f) => new Int32Array(f.athenaType === 'string' ? rowGroupRows : 0));
    this.dictionaries = format.fields.map(() => new Dictionary());
    this.reset();
  }

  /** Makes it ready for the next file. */
  reset(): this {
    this.file = new ParquetFile(
      this.format.fields.map((f) => ({ name: f.column, kind: f.athenaType === 'string' ? 'string' : f.athenaType === 'int' ? 'int32' : 'int64' })),
    );
    this.rows = 0;
    this.failed = false;
    this.inHeader = true;
    this.held = 0;
    for (const dictionary of this.dictionaries) dictionary.clear();
    return this;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    // Bytes above 127 are left to DuckDB, and a backslash (`\\N` is NULL there) makes the file not plain.
    if (!isAscii(chunk) || chunk.indexOf(92) !== -1) return this.fail();
    if (this.held + chunk.length + SLACK > this.work.length) {
      const work = Buffer.alloc(Math.max(this.work.length * 2, this.held + chunk.length + SLACK));
      this.work.copy(work, 0, 0, this.held);
      this.work = work;
      this.words = new DataView(work.buffer, work.byteOffset, work.length);
    }
    chunk.copy(this.work, this.held);
    const end = this.held + chunk.length;
    let start = 0;
    if (this.inHeader) {
      // The first line is the header, which DuckDB's read skips whatever it holds.
      const nl = this.work.indexOf(10);
      if (nl === -1 || nl >= end) {
        this.held = end;
        if (this.held > LONGEST_LINE) this.fail();
        return;
      }
      if (nl > LONGEST_LINE) return this.fail();
      this.inHeader = false;
      start = nl + 1;
    }
    const last = end > start ? this.work.lastIndexOf(10, end - 1) : -1;
    if (last >= start) {
      this.parse(start, last + 1);
      start = last + 1;
    }
    this.work.copy(this.work, 0, start, end);
    this.held = end - start;
    if (this.held > LONGEST_LINE) this.fail();
  }

  /** Reads the whole lines in `work[from, to)`, which ends with a line break. */
  private parse(from: number, to: number): void {
    const { work: buf, words, limits, numbers, indices, dictionaries } = this;
    const last = limits.length - 1;
    let p = from;
    while (p < to) {
      if (this.rows === this.rowGroupRows) this.flush();
      const row = this.rows;
      const line = p;
      for (let f = 0; f <= last; f++) {
        const separator = f === last ? 10 : 32;
        const limit = limits[f];
        const start = p;
        if (limit === 0) {
          // Four bytes at a time: t marks the bytes below 33 (all ASCII here), the first of which ends the field.
          let hash = -2128831035;
          for (;;) {
            const x = words.getInt32(p, true);
            const t = (x - 0x21212121) & ~x & 0x80808080;
            if (t === 0) {
              hash = Math.imul(hash ^ x, 16777619);
              p += 4;
              continue;
            }
            const k = (31 - Math.clz32(t & -t)) >> 3;
            if (k > 0) hash = Math.imul(hash ^ (x & ((1 << (8 * k)) - 1)), 16777619);
            p += k;
            break;
          }
          if (buf[p] !== separator || p === start) return this.fail();
          hash = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
          indices[f][row] = dictionaries[f].index(buf, words, start, p, hash ^ (hash >>> 16));
        } else if (buf[p] === 45 && buf[p + 1] === separator) {
          numbers[f][row] = NaN;
          p++;
        } else {
          // Four bytes at a time: t marks the bytes that are not digits, the first of which ends the
          // number; the k digits before it are shifted to the top and summed in pairs.
          let v = 0;
          for (;;) {
            const x = words.getInt32(p, true);
            const t = ((x - 0x30303030) | (x + 0x46464646)) & 0x80808080;
            const k = t === 0 ? 4 : (31 - Math.clz32(t & -t)) >> 3;
            if (k > 0) {
              const digits = (x - 0x30303030) << (8 * (4 - k));
              const pairs = (digits * 10 + (digits >>> 8)) & 0x00ff00ff;
              v = v * POWERS_OF_TEN[k] + (pairs & 0xff) * 100 + (pairs >>> 16);
              p += k;
            }
            if (k < 4) break;
          }
          if (buf[p] !== separator || p === start || p - start > limit) return this.fail();
          numbers[f][row] = v;
        }
        p++;
      }
      if (p - line > LONGEST_LINE) return this.fail();
      this.rows++;
    }
  }

  private fail(): void {
    this.failed = true;
  }

  /** Writes the rows read so far as a row group. */
  private flush(): void {
    const values = this.format.fields.map((f, i): ColumnValues =>
      f.athenaType === 'string'
        ? { kind: 'string', indices: this.indices[i], dictionary: this.dictionaries[i].values() }
        : { kind: f.athenaType === 'int' ? 'int32' : 'int64', values: this.numbers[i] },
    );
    this.file.addRowGroup(values, this.rows);
    for (const dictionary of this.dictionaries) dictionary.clear();
    this.rows = 0;
  }

  /** The copy's bytes, once the text has ended; undefined when the text is not one read here (see above). */
  end(): Uint8Array[] | undefined {
    if (this.failed || this.inHeader || this.held > 0) return undefined;
    if (this.rows > 0) this.flush();
    return this.file.finish();
  }
}
