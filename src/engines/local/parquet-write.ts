/**
 * A Parquet writer for what the Parquet cache keeps: flat, nullable columns of 32-bit and 64-bit
 * integers and of UTF-8 text, one data page per column and row group, no compression codec. Integers
 * are delta-encoded and bit-packed (DELTA_BINARY_PACKED), text is dictionary-encoded (a PLAIN
 * dictionary page and RLE_DICTIONARY indices), nulls are definition levels. Integers carry their
 * minimum, maximum and null count, so that a reader can skip a row group by its statistics. The
 * layout follows the Parquet format specification (apache/parquet-format): pages and metadata are
 * Thrift structures in its compact protocol.
 *
 * Integers are JavaScript numbers: the caller keeps them within ±2^52, where every sum and
 * difference taken here is exact.
 */

/** A column's type: text, or an integer stored in 32 or 64 bits. */
export type ColumnKind = 'string' | 'int32' | 'int64';

/** One row group's values of an integer column: NaN is null. */
export interface IntegerValues {
  readonly kind: 'int32' | 'int64';
  readonly values: Float64Array;
}

/** One row group's values of a text column: each row's index in `dictionary`, -1 for null. */
export interface TextValues {
  readonly kind: 'string';
  readonly indices: Int32Array;
  /** The distinct values, each as its UTF-8 bytes. */
  readonly dictionary: readonly Uint8Array[];
}

export type ColumnValues = IntegerValues | TextValues;

/** A growing byte buffer. */
class Bytes {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  ensure(more: number): void {
    if (this.pos + more <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + more));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An unsigned LEB128 varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** A zigzag varint of an integer within ±2^52. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A little-endian integer of `size` bytes (4 or 8) within ±2^52. */
  littleEndian(v: number, size: 4 | 8): void {
    this.ensure(size);
    const low = v >>> 0;
    this.u32(low);
    if (size === 8) this.u32(Math.floor((v - low) / 2 ** 32) >>> 0);
  }

  private u32(v: number): void {
    this.buf[this.pos++] = v & 255;
    this.buf[this.pos++] = (v >>> 8) & 255;
    this.buf[this.pos++] = (v >>> 16) & 255;
    this.buf[this.pos++] = v >>> 24;
  }

  /** A copy of the bytes written. */
  take(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** The number of bits an integer in [0, 2^53) needs. */
function bitWidth(v: number): number {
  return v < 2 ** 32 ? 32 - Math.clz32(v) : 64 - Math.clz32(Math.floor(v / 2 ** 32));
}

/**
 * Appends `total` values of `width` bits (at most 53), least significant bit first, as Parquet's
 * bit-packing does: the `count` values of `src` from `from` (each below 2^width), then zeros.
 */
function bitPack(out: Bytes, src: Float64Array | Int32Array, from: number, count: number, total: number, width: number): void {
  out.ensure(Math.ceil((total * width) / 8) + 4);
  const buf = out.buf;
  let pos = out.pos;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < total; i++) {
    let v = i < count ? src[from + i] : 0;
    let w = width;
    if (w > 24 && w <= 32) {
      // The low 16 bits first, with integer operations (v is below 2^32).
      acc |= (v & 0xffff) << bits;
      v = (v >>> 16) & 0xffff;
      bits += 16;
      w -= 16;
      while (bits >= 8) {
        buf[pos++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
    // At most 24 bits at a time, so that the pending bits (fewer than 8) and the new ones fit 32.
    while (w > 24) {
      const part = v % 65536;
      acc |= part << bits;
      bits += 16;
      v = (v - part) / 65536;
      w -= 16;
      while (bits >= 8) {
        buf[pos++] = acc & 255;
        acc >>>= 8;
        bits -= 8;
      }
    }
    acc |= v << bits;
    bits += w;
    while (bits >= 8) {
      buf[pos++] = acc & 255;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) buf[pos++] = acc & 255;
  out.pos = pos;
}

/** How many values from `i` equal `values[i]`, counting no further than `limit`. */
function runFrom(values: Int32Array, i: number, count: number, limit: number): number {
  const v = values[i];
  let j = i + 1;
  const stop = Math.min(count, i + limit);
  while (j < stop && values[j] === v) j++;
  return j - i;
}

/**
 * Appends Parquet's RLE/bit-packing hybrid of `count` values of `width` bits (at most 32): runs of
 * 8 or more equal values as one repeated value, the rest bit-packed in groups of 8.
 */
function hybrid(out: Bytes, values: Int32Array, count: number, width: number): void {
  let i = 0;
  while (i < count) {
    const run = runFrom(values, i, count, count);
    if (run >= 8) {
      out.varint(run * 2);
      out.littleEndian(values[i], 4);
      // The repeated value takes as many bytes as its width needs.
      out.pos -= 4 - Math.ceil(width / 8);
      i += run;
      continue;
    }
    const start = i;
    do i += 8;
    while (i < count && runFrom(values, i, count, 8) < 8);
    const groups = (i - start) / 8;
    out.varint(groups * 2 + 1);
    bitPack(out, values, start, Math.min(i, count) - start, groups * 8, width);
    i = Math.min(i, count);
  }
}

/** Values in a block of DELTA_BINARY_PACKED, and miniblocks in a block. */
const DELTA_BLOCK = 128;
const MINIBLOCKS = 4;
const MINIBLOCK = DELTA_BLOCK / MINIBLOCKS;
const blockDeltas = new Float64Array(DELTA_BLOCK);
const blockWidths = new Int32Array(MINIBLOCKS);

/** Appends `count` integers (none null) in DELTA_BINARY_PACKED. */
function deltaBinaryPacked(out: Bytes, values: Float64Array, count: number): void {
  const deltas = blockDeltas;
  const widths = blockWidths;
  out.varint(DELTA_BLOCK);
  out.varint(MINIBLOCKS);
  out.varint(count);
  out.zigzag(count === 0 ? 0 : values[0]);
  for (let first = 1; first < count; first += DELTA_BLOCK) {
    const n = Math.min(DELTA_BLOCK, count - first);
    let min = Infinity;
    for (let k = 0; k < n; k++) {
      const delta = values[first + k] - values[first + k - 1];
      deltas[k] = delta;
      if (delta < min) min = delta;
    }
    out.zigzag(min);
    for (let m = 0; m < MINIBLOCKS; m++) {
      // The widest value of the miniblock: the OR of those below 2^31, else the largest.
      let bits = 0;
      let large = 0;
      for (let k = m * MINIBLOCK; k < Math.min(n, (m + 1) * MINIBLOCK); k++) {
        const d = deltas[k] - min;
        deltas[k] = d;
        if (d < 2 ** 31) bits |= d;
        else if (d > large) large = d;
      }
      widths[m] = large > 0 ? bitWidth(large) : 32 - Math.clz32(bits);
    }
    for (let m = 0; m < MINIBLOCKS; m++) out.byte(widths[m]);
    // Miniblocks past the last value are left out; the last one is padded with zeros.
    for (let m = 0; m * MINIBLOCK < n; m++) bitPack(out, deltas, m * MINIBLOCK, Math.min(MINIBLOCK, n - m * MINIBLOCK), MINIBLOCK, widths[m]);
  }
}

/** Thrift compact protocol's field types. */
const enum T {
  I32 = 5,
  I64 = 6,
  BINARY = 8,
  LIST = 9,
  STRUCT = 12,
}

/** A writer of Thrift structures in the compact protocol. */
class Thrift {
  private readonly lastField: number[] = [0];
  constructor(readonly out: Bytes) {}

  private field(id: number, type: T): void {
    const delta = id - this.lastField[this.lastField.length - 1];
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.out.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }

  int(id: number, v: number, type: T.I32 | T.I64 = T.I32): this {
    this.field(id, type);
    this.out.zigzag(v);
    return this;
  }

  binary(id: number, bytes: Uint8Array): this {
    this.field(id, T.BINARY);
    this.out.varint(bytes.length);
    this.out.bytes(bytes);
    return this;
  }

  string(id: number, text: string): this {
    return this.binary(id, Buffer.from(text, 'utf8'));
  }

  /** A struct field, its fields written by `body`. */
  struct(id: number, body: (t: this) => void): this {
    this.field(id, T.STRUCT);
    return this.inStruct(body);
  }

  /** A list field of `items.length` elements of `type`, each written by `each`. */
  list<I>(id: number, type: T, items: readonly I[], each: (item: I) => void): this {
    this.field(id, T.LIST);
    if (items.length < 15) this.out.byte((items.length << 4) | type);
    else {
      this.out.byte(0xf0 | type);
      this.out.varint(items.length);
    }
    items.forEach(each);
    return this;
  }

  /** A list of integers (i32 enums) as a field. */
  ints(id: number, values: readonly number[]): this {
    return this.list(id, T.I32, values, (v) => this.out.zigzag(v));
  }

  /** A list of structs, each written by `body`. */
  structs<I>(id: number, items: readonly I[], body: (t: this, item: I) => void): this {
    return this.list(id, T.STRUCT, items, (item) => this.inStruct((t) => body(t, item)));
  }

  /** A struct's fields, then its stop byte: as a top-level value, or inside a list or field. */
  inStruct(body: (t: this) => void): this {
    this.lastField.push(0);
    body(this);
    this.lastField.pop();
    this.out.byte(0);
    return this;
  }
}

// Parquet's enumerations, as the format specification numbers them.
const TYPE = { int32: 1, int64: 2, string: 6 } as const;
const OPTIONAL = 1;
const UTF8 = 0;
const ENCODING = { PLAIN: 0, RLE: 3, DELTA_BINARY_PACKED: 5, RLE_DICTIONARY: 8 } as const;
const PAGE = { DATA: 0, DICTIONARY: 2 } as const;
const UNCOMPRESSED = 0;

interface ColumnChunkMeta {
  readonly kind: ColumnKind;
  readonly name: string;
  readonly rows: number;
  readonly firstPage: number;
  readonly dataPage: number;
  readonly dictionaryPage?: number;
  readonly bytes: number;
  readonly nulls: number;
  readonly min?: number;
  readonly max?: number;
}

/** Space reused from column to column: a page's body, and its values rearranged. */
const body = new Bytes();
let definedLevels = new Int32Array(0);
let indexScratch = new Int32Array(0);
let presentScratch = new Float64Array(0);

/** Appends a page: its header, then the body written in {@link body}. */
function page(out: Bytes, type: number, header: (t: Thrift) => void): void {
  new Thrift(out).inStruct((t) => {
    t.int(1, type).int(2, body.pos).int(3, body.pos);
    header(t);
  });
  out.bytes(body.buf.subarray(0, body.pos));
  body.pos = 0;
}

/** The definition levels of a data page (format version 1): their length, then their RLE/bit-packing hybrid. */
function definitionLevels(rows: number): void {
  const at = body.pos;
  body.littleEndian(0, 4);
  hybrid(body, definedLevels, rows, 1);
  const length = body.pos - at - 4;
  body.pos = at;
  body.littleEndian(length, 4);
  body.pos += length;
}

/** Appends one column chunk of a row group whose first byte is at `offset` in the file. */
function columnChunk(out: Bytes, offset: number, name: string, column: ColumnValues, rows: number): ColumnChunkMeta {
  if (definedLevels.length < rows) {
    definedLevels = new Int32Array(rows);
    indexScratch = new Int32Array(rows);
    presentScratch = new Float64Array(rows);
  }
  return column.kind === 'string' ? textChunk(out, offset, name, column, rows) : integerChunk(out, offset, name, column, rows);
}

function textChunk(out: Bytes, offset: number, name: string, column: TextValues, rows: number): ColumnChunkMeta {
  const start = out.pos;
  for (const value of column.dictionary) {
    body.littleEndian(value.length, 4);
    body.bytes(value);
  }
  const dictionaryPage = offset + out.pos;
  page(out, PAGE.DICTIONARY, (t) => t.struct(7, (d) => d.int(1, column.dictionary.length).int(2, ENCODING.PLAIN)));
  const all = column.indices;
  const [defined, indices] = [definedLevels, indexScratch];
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const index = all[i];
    if (index < 0) defined[i] = 0;
    else {
      defined[i] = 1;
      indices[count++] = index;
    }
  }
  definitionLevels(rows);
  const width = Math.max(1, bitWidth(column.dictionary.length - 1));
  body.byte(width);
  hybrid(body, indices, count, width);
  const dataPage = offset + out.pos;
  page(out, PAGE.DATA, (t) => t.struct(5, (d) => d.int(1, rows).int(2, ENCODING.RLE_DICTIONARY).int(3, ENCODING.RLE).int(4, ENCODING.RLE)));
  return { kind: column.kind, name, rows, firstPage: dictionaryPage, dataPage, dictionaryPage, bytes: out.pos - start, nulls: rows - count };
}

function integerChunk(out: Bytes, offset: number, name: string, column: IntegerValues, rows: number): ColumnChunkMeta {
  const start = out.pos;
  const values = column.values;
  const [defined, present] = [definedLevels, presentScratch];
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (v !== v) {
      // NaN: null.
      defined[i] = 0;
      continue;
    }
    defined[i] = 1;
    present[count++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  definitionLevels(rows);
  deltaBinaryPacked(body, present, count);
  const dataPage = offset + out.pos;
  page(out, PAGE.DATA, (t) => t.struct(5, (d) => d.int(1, rows).int(2, ENCODING.DELTA_BINARY_PACKED).int(3, ENCODING.RLE).int(4, ENCODING.RLE)));
  const stats = count === 0 ? {} : { min, max };
  return { kind: column.kind, name, rows, firstPage: dataPage, dataPage, bytes: out.pos - start, nulls: rows - count, ...stats };
}

/** A value of a statistic: the column's type, little-endian, as PLAIN encodes it. */
function statistic(kind: ColumnKind, v: number): Uint8Array {
  const out = new Bytes(8);
  out.littleEndian(v, kind === 'int32' ? 4 : 8);
  return out.take();
}

/** A Parquet file being written: row groups added one by one, then its footer. */
export class ParquetFile {
  private readonly parts: Uint8Array[] = [Buffer.from('PAR1')];
  private size = 4;
  private readonly rowGroups: Array<{ rows: number; chunks: ColumnChunkMeta[] }> = [];

  constructor(private readonly columns: ReadonlyArray<{ readonly name: string; readonly kind: ColumnKind }>) {}

  /** Appends a row group of `rows` rows: one set of values per column, in the columns' order. */
  addRowGroup(values: readonly ColumnValues[], rows: number): void {
    const out = new Bytes();
    const chunks = this.columns.map((column, i) => {
      if (values[i].kind !== column.kind) throw new TypeError(`column ${column.name} holds ${column.kind} values, not ${values[i].kind}`);
      return columnChunk(out, this.size, column.name, values[i], rows);
    });
    this.parts.push(out.take());
    this.size += out.pos;
    this.rowGroups.push({ rows, chunks });
  }

  /** The file's parts: the row groups added, then the footer. */
  finish(): Uint8Array[] {
    const out = new Bytes();
    const rows = this.rowGroups.reduce((sum, g) => sum + g.rows, 0);
    new Thrift(out).inStruct((t) =>
      t
        .int(1, 1)
        .structs(2, [undefined, ...this.columns], (s, column) => {
          // The root element: a group of every column, with no repetition of its own.
          if (column === undefined) s.string(4, 'schema').int(5, this.columns.length);
          else {
            s.int(1, TYPE[column.kind]).int(3, OPTIONAL).string(4, column.name);
            if (column.kind === 'string') s.int(6, UTF8);
          }
        })
        .int(3, rows, T.I64)
        .structs(4, this.rowGroups, (g, group) =>
          g
            .structs(1, group.chunks, (c, chunk) => c.int(2, chunk.firstPage, T.I64).struct(3, (m) => columnMetaData(m, chunk)))
            .int(
              2,
              group.chunks.reduce((sum, c) => sum + c.bytes, 0),
              T.I64,
            )
            .int(3, group.rows, T.I64),
        )
        .string(6, 'flowq'),
    );
    const footer = out.take();
    const tail = new Bytes(8);
    tail.littleEndian(footer.length, 4);
    tail.bytes(Buffer.from('PAR1'));
    return [...this.parts, footer, tail.take()];
  }
}

function columnMetaData(m: Thrift, chunk: ColumnChunkMeta): void {
  const encodings = chunk.kind === 'string' ? [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY] : [ENCODING.RLE, ENCODING.DELTA_BINARY_PACKED];
  m.int(1, TYPE[chunk.kind])
    .ints(2, encodings)
    .list(3, T.BINARY, [chunk.name], (name) => {
      const bytes = Buffer.from(name, 'utf8');
      m.out.varint(bytes.length);
      m.out.bytes(bytes);
    })
    .int(4, UNCOMPRESSED)
    .int(5, chunk.rows, T.I64)
    .int(6, chunk.bytes, T.I64)
    .int(7, chunk.bytes, T.I64)
    .int(9, chunk.dataPage, T.I64);
  if (chunk.dictionaryPage !== undefined) m.int(11, chunk.dictionaryPage, T.I64);
  m.struct(12, (s) => {
    s.int(3, chunk.nulls, T.I64);
    if (chunk.min !== undefined && chunk.max !== undefined) s.binary(5, statistic(chunk.kind, chunk.max)).binary(6, statistic(chunk.kind, chunk.min));
  });
}
