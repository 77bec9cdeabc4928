import { readEngineSettings, startDirectory } from '../../src/engines/open.js';

describe('startDirectory', () => {
  test.each([
    ['npm (INIT_CWD) first', { INIT_CWD: '/home/ana/flowq', PWD: '/home/ana' }, '/home/ana/flowq'],
    ["the shell's PWD without npm", { PWD: '/home/ana/flowq' }, '/home/ana/flowq'],
    ["the process's own folder when neither is set", {}, '/srv/build'],
    ['the next one when a variable is not an absolute path', { INIT_CWD: 'flowq', PWD: '/home/ana/flowq' }, '/home/ana/flowq'],
  ])('is the folder the command started in: %s', (_what, env, expected) => {
    expect(startDirectory(env, '/srv/build')).toBe(expected);
  });
});

describe('readEngineSettings in local mode', () => {
  test('reads a relative FLOWQ_LOCAL_DATA from the folder the command started in', () => {
    const settings = readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: './sample', INIT_CWD: '/home/ana/flowq' });

    expect(settings).toMatchObject({ kind: 'local', local: { location: '/home/ana/flowq/sample' } });
  });

  test('keeps an absolute FLOWQ_LOCAL_DATA as it is', () => {
    const settings = readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: '/data/flows', INIT_CWD: '/home/ana/flowq' });

    expect(settings).toMatchObject({ kind: 'local', local: { location: '/data/flows' } });
  });

  test.each([
    [undefined, undefined],
    ['false', undefined],
    ['true', '/var/cache/flowq/parquet'],
    ['TRUE', '/var/cache/flowq/parquet'],
  ])('turns the Parquet cache on with FLOWQ_PARQUET_CACHE=%s, under FLOWQ_CACHE_DIR', (value, folder) => {
    const settings = readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: '/data', FLOWQ_CACHE_DIR: '/var/cache/flowq', FLOWQ_PARQUET_CACHE: value });

    expect(settings.kind === 'local' && settings.local.parquetCache).toBe(folder ?? undefined);
  });

  test('refuses FLOWQ_PARQUET_CACHE that is not true or false, naming it', () => {
    expect(() => readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: '/data', FLOWQ_PARQUET_CACHE: 'yes' })).toThrow(
      "environment variable FLOWQ_PARQUET_CACHE must be true or false, not 'yes'",
    );
  });
});

describe('readEngineSettings query settings', () => {
  test.each([
    ['0', 0],
    ['3600', 3600],
    [undefined, 600],
  ])('takes FLOWQ_LATE_MARGIN_SECONDS=%s as a margin of %i seconds', (value, seconds) => {
    const settings = readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: '/data', FLOWQ_LATE_MARGIN_SECONDS: value });

    expect(settings.query.lateMarginSeconds).toBe(seconds);
  });

  test.each(['3601', '-1', '10m'])('refuses FLOWQ_LATE_MARGIN_SECONDS=%s naming the variable', (value) => {
    expect(() => readEngineSettings({ FLOWQ_ENGINE: 'local', FLOWQ_LOCAL_DATA: '/data', FLOWQ_LATE_MARGIN_SECONDS: value })).toThrow(
      /^environment variable FLOWQ_LATE_MARGIN_SECONDS must be/,
    );
  });
});
