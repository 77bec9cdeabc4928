/**
 * The local engine's file handling (issue 8): folder names with glob characters, symbolic links,
 * the verified-gzip cache, file-system errors, header errors and `--data .../AWSLogs`. Each answer
 * is compared with the answer over a plain copy of the same files, or an exact error line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { DataError } from '../../../src/errors.js';
import { LocalEngine, type LocalEngineOptions } from '../../../src/engines/local/engine.js';
import { PlainRecordScanner } from '../../../src/engines/local/plain-scan.js';
import { NotAFlowLogFolder } from '../../../src/engines/local/scan.js';
import { DEFAULT_LOG_FORMAT_TEXT, parseLogFormat } from '../../../src/flowlog/format.js';
import { objectKey } from '../../../src/flowlog/layout.js';
import { renderQuery } from '../../../src/queries/render.js';
import { writeSample } from '../../../src/sample/generate.js';
import { useTempDir } from '../../support/tmp.js';

const UNTIL = Date.UTC(2026, 0, 1) / 1000;
const LAST_DAY = { start: UNTIL - 86_400, end: UNTIL };
const tmp = useTempDir();

async function answer(options: LocalEngineOptions, fn?: (engine: LocalEngine) => void): Promise<{ files: number; rows: unknown }> {
  const engine = await LocalEngine.open(options);
  try {
    fn?.(engine);
    const query = renderQuery('top-talkers', { ...LAST_DAY, limit: 1000 }, engine.target);
    return { files: engine.files.length, rows: (await engine.run(query)).rows };
  } finally {
    await engine.close();
  }
}

const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
const BODY = Array.from(
  { length: 20_000 },
  (_, i) => `2 111122223333 eni-0123456789abcdef0 10.0.0.${i % 200} 10.0.1.${i % 7} ${i} 443 6 1 ${100 + i} ${UNTIL - 3600} ${UNTIL - 3540} ACCEPT OK\n`,
).join('');

/** One gzip file in AWS's layout under `dir`; returns its path. */
function writeFlowFile(dir: string, content: Buffer, minutesBefore = 60): string {
  const key = objectKey({ hiveCompatiblePartitions: false, perHourPartition: false }, 'plain-text', {
    account: '111122223333',
    region: 'us-east-1',
    flowLogId: 'fl-1',
    fileTime: UNTIL - minutesBefore * 60,
    hash: 'ab12cd34',
  });
  const path = join(dir, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('the local engine reading files', () => {
  it.each([
    ['fl*ows', 'fl-ows'],
    ['set[1]', 'set1'],
    ['q?x', 'qax'],
    ['b{1,2}', 'b1'],
    ['sq]ue', 'sque'],
  ])('reads a data folder named %s literally, not its sibling %s', async (name, sibling) => {
    const base = join(tmp(), `glob-${sibling}`);
    await writeSample({ out: join(base, name), days: 1, records: 400, seed: 1, until: UNTIL, flowLogs: 1 });
    cpSync(join(base, name), join(base, 'plain'), { recursive: true });
    // The sibling has the same file names with other records in them.
    cpSync(join(base, name), join(base, sibling), { recursive: true });
    for (const file of listFiles(join(base, sibling))) writeFileSync(file, gzipSync(HEADER + BODY));
    const expected = await answer({ location: join(base, 'plain'), verifiedCache: join(base, 'cache.json') });
    expect(await answer({ location: join(base, name), verifiedCache: join(base, 'cache.json') })).toEqual(expected);
  });

  it('follows symbolic links to folders and files inside AWSLogs/, and reads a link loop once', async () => {
    const base = join(tmp(), 'links');
    await writeSample({ out: join(base, 'real'), days: 2, records: 600, until: UNTIL, flowLogs: 1 });
    const expected = await answer({ location: join(base, 'real'), verifiedCache: join(base, 'cache.json') });
    // The same tree assembled from parts: the year folder and one day's file linked in, and a loop.
    const region = join('AWSLogs', '111122223333', 'vpcflowlogs', 'us-east-1');
    const years = readdirSync(join(base, 'real', region)).sort();
    mkdirSync(join(base, 'linked', region), { recursive: true });
    for (const year of years) symlinkSync(join(base, 'real', region, year), join(base, 'linked', region, year));
    const [firstYear] = years;
    const months = readdirSync(join(base, 'real', region, firstYear));
    symlinkSync(join(base, 'linked', region), join(base, 'real', region, firstYear, months[0], 'loop'));
    const day = join(base, 'real', region, firstYear, months[0], readdirSync(join(base, 'real', region, firstYear, months[0]))[0]);
    const [file] = readdirSync(day);
    renameSync(join(day, file), join(base, file));
    symlinkSync(join(base, file), join(day, file));
    expect(await answer({ location: join(base, 'linked'), verifiedCache: join(base, 'cache.json') })).toEqual(expected);
  });

  it('accepts the AWSLogs/ folder itself as the data folder', async () => {
    const dir = join(tmp(), 'awslogs-itself');
    await writeSample({ out: dir, days: 1, records: 300, until: UNTIL, flowLogs: 1 });
    const expected = await answer({ location: dir, verifiedCache: join(dir, '..', 'awslogs-cache.json') });
    const engineLocation: string[] = [];
    const got = await answer({ location: join(dir, 'AWSLogs'), verifiedCache: join(dir, '..', 'awslogs-cache.json') }, (e) =>
      engineLocation.push(e.source.location),
    );
    expect({ got, engineLocation }).toEqual({ got: expected, engineLocation: [`${dir}/`] });
  });

  describe('the verified-gzip cache', () => {
    const corruptCase = (name: string) => {
      const dir = join(tmp(), name);
      const gz = gzipSync(HEADER + BODY);
      const path = writeFlowFile(dir, gz);
      return { dir, gz, path, cache: join(dir, 'cache', 'verified-gzip.json') };
    };
    const runOn = (dir: string, cache: string) => answer({ location: dir, verifiedCache: cache });

    it.each(['null', '42', '"x"', '[1,2]', '{"/nowhere": 5, "/x": {"size": "big"}}', '{'])(
      'ignores a cache file holding %s and still checks every file',
      async (content) => {
        const { dir, gz, path, cache } = corruptCase(`cache-${content.replace(/\W/g, '_')}`);
        mkdirSync(dirname(cache), { recursive: true });
        writeFileSync(cache, content);
        writeFileSync(path, gz.subarray(0, gz.length - 300));
        await expect(runOn(dir, cache)).rejects.toThrow(new RegExp(`^${path} is a corrupt gzip file \\(unexpected end of file\\)$`));
      },
    );

    it('checks a file again when its content changes though its size and modification time do not', async () => {
      const { dir, gz, path, cache } = corruptCase('cache-changed');
      const mtime = new Date('2026-01-01T00:00:00Z');
      utimesSync(path, mtime, mtime);
      expect((await runOn(dir, cache)).files).toBe(1);
      const damaged = Buffer.from(gz);
      damaged[damaged.length - 6] ^= 0xff; // the stored CRC: same size, the data inflates fine but does not match
      writeFileSync(path, damaged);
      utimesSync(path, mtime, mtime);
      await expect(runOn(dir, cache)).rejects.toThrow(`${path} is a corrupt gzip file (incorrect data check)`);
    });

    it('does not trust a hand-written entry with the right size and modification time', async () => {
      const { dir, gz, path, cache } = corruptCase('cache-forged');
      const truncated = gz.subarray(0, gz.length - 300);
      writeFileSync(path, truncated);
      const { mtimeMs } = statSync(path);
      mkdirSync(dirname(cache), { recursive: true });
      // The entry as the cache used to keep it, and one in today's shape with a made-up fingerprint.
      for (const entry of [`${truncated.length}:${mtimeMs}`, { size: truncated.length, mtimeMs, fingerprint: '0'.repeat(64) }]) {
        writeFileSync(cache, JSON.stringify({ [path]: entry }));
        await expect(runOn(dir, cache)).rejects.toThrow(`${path} is a corrupt gzip file (unexpected end of file)`);
      }
    });

    it('drops the entries of files that no longer exist when it writes', async () => {
      const { dir, path, cache } = corruptCase('cache-prune');
      mkdirSync(dirname(cache), { recursive: true });
      writeFileSync(cache, JSON.stringify({ [join(dir, 'gone.log.gz')]: { size: 1, mtimeMs: 1, fingerprint: 'a'.repeat(64) } }));
      await runOn(dir, cache);
      expect(Object.keys(JSON.parse(readFileSync(cache, 'utf8')) as object)).toEqual([path]);
    });

    it('leaves no temporary file behind when the cache cannot be put in place', async () => {
      const { dir, cache } = corruptCase('cache-rename');
      mkdirSync(join(cache, 'occupied'), { recursive: true }); // a folder where the cache file should go: rename fails
      expect((await runOn(dir, cache)).files).toBe(1);
      expect(readdirSync(dirname(cache))).toEqual(['verified-gzip.json']);
    });
  });

  describe('errors', () => {
    it('says a file given as the data folder is a file, in one line', async () => {
      const dir = join(tmp(), 'a-file');
      const path = writeFlowFile(dir, gzipSync(HEADER + BODY));
      const opening = LocalEngine.open({ location: path });

      await expect(opening).rejects.toThrow(NotAFlowLogFolder);
      await expect(opening).rejects.toThrow(new DataError(`data folder ${path} is a file, not a folder`));
    });

    it('names a dangling link inside AWSLogs/ in one line', async () => {
      const dir = join(tmp(), 'dangling');
      const path = writeFlowFile(dir, gzipSync(HEADER + BODY));
      symlinkSync(join(dir, 'nowhere.log.gz'), `${path}.link`);
      await expect(LocalEngine.open({ location: dir })).rejects.toMatchObject({
        name: 'DataError',
        message: `cannot read ${path}.link: no such file or folder`,
      });
    });

    it('names the file with the wrong header, even when it is the first one', async () => {
      const dir = join(tmp(), 'first-header');
      const wrong = writeFlowFile(dir, gzipSync(`version srcaddr bytes\n2 10.0.0.1 5\n`), 90);
      writeFlowFile(dir, gzipSync(HEADER + BODY), 60);
      writeFlowFile(dir, gzipSync(HEADER + BODY), 30);
      const error = await LocalEngine.open({ location: dir }).catch((e: unknown) => e);
      expect(error).toEqual(new DataError(`${wrong} has header 'version srcaddr bytes' but 2 other files have '${HEADER.trim()}'`));
      expect(error).toBeInstanceOf(DataError);
    });

    it('names a file without a header line, as a data error', async () => {
      const dir = join(tmp(), 'no-header');
      writeFlowFile(dir, gzipSync(HEADER + BODY), 60);
      const bare = writeFlowFile(dir, gzipSync(BODY), 30);
      const error = await LocalEngine.open({ location: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect(error).toEqual(new DataError(`${bare} has no header line naming flow-log fields: its first line is '${BODY.split('\n')[0].slice(0, 80)}…'`));
    });

    it('reports a folder or file it may not read as one line naming the path', async () => {
      const dir = join(tmp(), 'eacces');
      chmodSync(tmp(), 0o755);
      const path = writeFlowFile(dir, gzipSync(HEADER + BODY));
      const day = dirname(path);
      // Root reads everything, so the check runs as `nobody` then, in a child process.
      const entry = join(tmp(), 'probe.mjs');
      await build({
        stdin: {
          contents: `import { scanLocation } from './src/engines/local/scan.ts'; import { readHeaderLine } from './src/engines/local/detect.ts';
            try { const t = await scanLocation(process.argv[2]); for (const f of t.files) await readHeaderLine(f.path); console.log('read'); }
            catch (e) { console.log(e.constructor.name + ': ' + e.message); }`,
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: entry,
        logLevel: 'silent',
      });
      chmodSync(entry, 0o644);
      const asUser = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {};
      const probe = () => spawnSync(process.execPath, [entry, dir], { encoding: 'utf8', ...asUser }).stdout.trim();
      chmodSync(path, 0o000);
      expect(probe()).toBe(`DataError: cannot read ${path}: permission denied`);
      chmodSync(path, 0o644);
      chmodSync(day, 0o000);
      expect(probe()).toBe(`DataError: cannot read ${day}: permission denied`);
      chmodSync(day, 0o755);
      expect(probe()).toBe('read');
    });
  });
});

describe('plain records: the files read typed', () => {
  const format = parseLogFormat(DEFAULT_LOG_FORMAT_TEXT);
  const line = '2 111122223333 eni-0a1b2c3d 10.0.0.1 10.0.0.2 443 22 6 2 100 1767222000 1767222060 ACCEPT OK';
  const scan = (text: string, chunk = 7): boolean => {
    const scanner = PlainRecordScanner.forFormat(format);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
    return scanner.end();
  };
  const swap = (i: number, value: string) =>
    line
      .split(' ')
      .map((v, j) => (j === i ? value : v))
      .join(' ');

  it.each([
    ['records as AWS writes them', `${HEADER}${line}\n${swap(3, '-')}\n${swap(9, '-')}\n`, true],
    ['only a header', HEADER, true],
    ['a decimal number', `${HEADER}${swap(9, '1.5')}\n`, false],
    ['hex', `${HEADER}${swap(9, '0x10')}\n`, false],
    ['a sign', `${HEADER}${swap(9, '+5')}\n`, false],
    ['an int of 10 digits', `${HEADER}${swap(6, '2147483648')}\n`, false],
    ['a bigint of 19 digits', `${HEADER}${swap(9, '1000000000000000000')}\n`, false],
    ['\\N in a string column', `${HEADER}${swap(3, '\\N')}\n`, false],
    ['an empty field', `${HEADER}${swap(3, '')}\n`, false],
    ['a short line', `${HEADER}${line.split(' ').slice(0, 9).join(' ')}\n`, false],
    ['a long line', `${HEADER}${line} extra\n`, false],
    ['CRLF line ends', `${HEADER}${line}\r\n`, false],
    ['no final line end', `${HEADER}${line}`, false],
  ])('finds a file with %s %s', (_what, text, plain) => {
    expect([scan(text), scan(text, 1), scan(text, 1 << 20)]).toEqual([plain, plain, plain]);
  });

  it('remembers which verified files are plain, and answers the same from both kinds', async () => {
    const dir = join(tmp(), 'plain-kinds');
    const body = (bytes: string) => `${HEADER}${line.replace(' 100 ', ` ${bytes} `).replace('1767222000 1767222060', `${UNTIL - 3600} ${UNTIL - 3540}`)}\n`;
    const typed = writeFlowFile(dir, gzipSync(body('100')), 60);
    const exact = writeFlowFile(dir, gzipSync(body('100.9')), 30);
    const cache = join(dir, 'cache.json');
    const first = await answer({ location: dir, verifiedCache: cache });
    const entries = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, { plainFor?: string }>;
    expect({ typed: entries[typed].plainFor, exact: entries[exact].plainFor }).toEqual({ typed: HEADER.trim(), exact: undefined });
    // The second engine reads the plain file typed from the start; both answers count 100 bytes twice.
    const second = await answer({ location: dir, verifiedCache: cache });
    expect({ first, second }).toEqual({
      first: { files: 2, rows: [expect.objectContaining({ srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: 200, flows: 2 })] },
      second: first,
    });
  });
});
