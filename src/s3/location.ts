import { InvalidConfiguration } from '../errors.js';
import { shorten } from '../text.js';

/** Where data is in S3: a bucket, and a key prefix that is empty or ends with `/`. */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * True for a name S3 allows for a general purpose bucket: 3-63 lowercase letters, digits, dots and
 * hyphens, a letter or digit at each end, no two dots in a row, not shaped like an IP address.
 */
export function isBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..') && !IP_ADDRESS.test(name);
}

/** A key prefix as a folder: a trailing `/` added when missing (`vpc` and `vpc/` both mean `vpc/`); empty stays empty. */
export function folderPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

// Characters safe in a key prefix, an IAM resource pattern and an EventBridge wildcard alike.
const FOLDER_NAMES = /^([A-Za-z0-9._-]+\/)*$/;

/**
 * A prefix given on its own (a deploy parameter, the report function's variable) as the code and the
 * IAM policies both read it: trimmed, no leading `/`, a folder (see {@link folderPrefix}), and made of
 * folder names of letters, digits, `.`, `_` and `-`.
 * @throws InvalidConfiguration naming `label` (`param dataPrefix`) when it is not.
 */
export function checkFolderPrefix(label: string, prefix: string): string {
  const folder = folderPrefix(prefix.trim().replace(/^\/+/, ''));
  if (!FOLDER_NAMES.test(folder)) {
    throw new InvalidConfiguration(`${label} must be folder names of letters, digits, '.', '_' and '-' separated by '/', not '${shorten(prefix)}'`);
  }
  return folder;
}

// The key part is taken as written (S3 keys may hold any character but a line end), only made a folder.
const LOCATION = /^s3:\/\/([^/]+)(?:\/(.*))?$/;

/** True for `s3://bucket` or `s3://bucket/prefix` with a valid bucket name (see {@link isBucketName}). */
export function isS3Location(text: string): boolean {
  const m = LOCATION.exec(text);
  return m !== null && isBucketName(m[1]);
}

/**
 * Parses `s3://bucket/prefix` into its bucket and key prefix, the prefix a folder (`s3://b/vpc` and
 * `s3://b/vpc/` both hold `vpc/`; `s3://b` and `s3://b/` the empty prefix).
 * @throws InvalidConfiguration when the text is not an S3 location or the bucket name is not one S3 allows.
 */
export function parseS3Location(text: string): S3Location {
  const m = LOCATION.exec(text);
  if (m === null || !isBucketName(m[1])) throw new InvalidConfiguration(`'${shorten(text)}' is not an S3 location (s3://bucket/prefix/)`);
  return { bucket: m[1], prefix: folderPrefix(m[2] ?? '') };
}
