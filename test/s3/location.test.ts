import fc from 'fast-check';
import { InvalidConfiguration } from '../../src/errors.js';
import { checkFolderPrefix, folderPrefix, isBucketName, isS3Location, parseS3Location } from '../../src/s3/location.js';

describe('isBucketName', () => {
  test.each(['flow-logs', 'abc', 'my.flow.logs-2026', 'a'.repeat(63), '0-9'])('accepts %j', (name) => {
    expect(isBucketName(name)).toBe(true);
  });

  test.each([
    ['ab', 'too short'],
    ['a'.repeat(64), 'too long'],
    ['Flow_Logs', 'upper case and underscore'],
    ['-flow', 'a hyphen first'],
    ['flow.', 'a dot last'],
    ['flow..logs', 'two dots in a row'],
    ['10.0.0.1', 'shaped like an IP address'],
    ['flow logs', 'a space'],
  ])('refuses %j (%s)', (name) => {
    expect(isBucketName(name)).toBe(false);
  });
});

describe('folderPrefix', () => {
  test.each([
    ['', ''],
    ['vpc', 'vpc/'],
    ['vpc/', 'vpc/'],
    ['a/b', 'a/b/'],
  ])('reads %j as the folder %j', (given, folder) => {
    expect(folderPrefix(given)).toBe(folder);
  });
});

describe('checkFolderPrefix', () => {
  test.each([
    ['', ''],
    ['/', ''],
    ['vpc', 'vpc/'],
    ['/vpc/logs', 'vpc/logs/'],
    ['  org-1/vpc_2.x  ', 'org-1/vpc_2.x/'],
  ])('reads %j as the folder %j', (given, folder) => {
    expect(checkFolderPrefix('param dataPrefix', given)).toBe(folder);
  });

  test.each(['vpc//logs', 'vpc//', 'a b', 'logs/*', 'x=1/'])('refuses %j, naming what was given', (given) => {
    expect(() => checkFolderPrefix('environment variable FLOWQ_REPORT_PREFIX', given)).toThrow(
      new InvalidConfiguration(
        `environment variable FLOWQ_REPORT_PREFIX must be folder names of letters, digits, '.', '_' and '-' separated by '/', not '${given}'`,
      ),
    );
  });
});

describe('parseS3Location', () => {
  test.each([
    ['s3://flow-logs-bucket/org/', { bucket: 'flow-logs-bucket', prefix: 'org/' }],
    ['s3://flow-logs-bucket/org', { bucket: 'flow-logs-bucket', prefix: 'org/' }],
    ['s3://flow-logs-bucket/', { bucket: 'flow-logs-bucket', prefix: '' }],
    ['s3://flow-logs-bucket', { bucket: 'flow-logs-bucket', prefix: '' }],
    ['s3://flow-logs-bucket/a b/c=1/', { bucket: 'flow-logs-bucket', prefix: 'a b/c=1/' }],
  ])('reads %s as a bucket and a folder prefix', (location, expected) => {
    expect(parseS3Location(location)).toEqual(expected);
    expect(isS3Location(location)).toBe(true);
  });

  test.each([
    'flow-logs-bucket/org/',
    'https://flow-logs-bucket/',
    's3://',
    's3:///org/',
    's3://Flow_Logs/',
    's3://flow..logs/',
    's3://10.0.0.1/',
    's3://b/line\nend',
  ])('refuses %j in one line that names it', (location) => {
    expect(() => parseS3Location(location)).toThrow(new InvalidConfiguration(`'${location}' is not an S3 location (s3://bucket/prefix/)`));
    expect(isS3Location(location)).toBe(false);
  });

  test('reads back the bucket and folder of any location it is given', () => {
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
    const bucket = fc
      .tuple(letter, fc.string({ unit: fc.constantFrom(...'abcxyz019.-'), minLength: 1, maxLength: 20 }), letter)
      .map(([first, middle, last]) => `${first}${middle}${last}`)
      .filter((name) => !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name));
    const folder = fc.array(fc.string({ unit: fc.constantFrom(...'ab=_ .-9'), minLength: 1, maxLength: 8 }), { maxLength: 4 });
    fc.assert(
      fc.property(bucket, folder, fc.boolean(), (name, names, slash) => {
        const prefix = names.join('/');
        const expected = { bucket: name, prefix: names.length === 0 ? '' : `${prefix}/` };
        expect(parseS3Location(`s3://${name}/${prefix}${slash && prefix !== '' ? '/' : ''}`)).toEqual(expected);
      }),
    );
  });
});
