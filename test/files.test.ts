import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARTIAL_SUFFIX, writeWhole } from '../src/files.js';
import { useTempDir } from './support/tmp.js';

const tmp = useTempDir('flowq-files-');

describe('writeWhole', () => {
  test('replaces the file with the new data and leaves nothing else beside it', async () => {
    const dir = join(tmp(), 'replace');
    mkdirSync(dir);
    const path = join(dir, 'data.json');
    writeFileSync(path, 'old');

    await writeWhole(path, '{"new": true}');

    expect({ text: readFileSync(path, 'utf8'), files: readdirSync(dir) }).toEqual({ text: '{"new": true}', files: ['data.json'] });
  });

  test('throws when the file cannot be put in place, and leaves no partial file', async () => {
    const dir = join(tmp(), 'blocked');
    mkdirSync(join(dir, 'data.json'), { recursive: true }); // a folder where the file should go: the rename fails

    await expect(writeWhole(join(dir, 'data.json'), 'text')).rejects.toThrow();

    expect(readdirSync(dir).filter((name) => name.endsWith(PARTIAL_SUFFIX))).toEqual([]);
  });
});
