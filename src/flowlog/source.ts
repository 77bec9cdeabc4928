import { InvalidConfiguration } from '../errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from './format.js';
import type { FileFormat, Layout } from './layout.js';
import { parseS3Location } from '../s3/location.js';
import { shorten } from '../text.js';

/**
 * One flow-log data set, described with the EC2 `DestinationOptions` names. The catalog, the local
 * engine and the partition predicates are all derived from it.
 */
export interface Source extends Layout {
  /** `s3://bucket/prefix/` or a local folder: the one that holds `AWSLogs/`. Ends with `/`. */
  readonly location: string;
  readonly logFormat: LogFormat;
  readonly fileFormat: FileFormat;
}

/** The options a user gives for a Source; everything but the location has AWS's default. */
export interface SourceOptions {
  location: string;
  logFormat?: string;
  fileFormat?: string;
  hiveCompatiblePartitions?: boolean;
  perHourPartition?: boolean;
}

/** Parses a file format name: `plain-text` or `parquet`. */
export function parseFileFormat(value: string): FileFormat {
  if (value === 'plain-text' || value === 'parquet') return value;
  throw new InvalidConfiguration(`file format '${shorten(value)}' is not one of plain-text, parquet`);
}

/** Builds a Source from user options, with AWS's defaults for what is left out. */
export function makeSource(options: SourceOptions): Source {
  const location = options.location.trim();
  if (location.length === 0) throw new InvalidConfiguration('the data location is empty');
  // Throws, naming the location, when an S3 location's form or bucket name is wrong.
  if (location.startsWith('s3://')) parseS3Location(location);
  return {
    location: location.endsWith('/') ? location : `${location}/`,
    logFormat: options.logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(options.logFormat),
    fileFormat: options.fileFormat === undefined ? 'plain-text' : parseFileFormat(options.fileFormat),
    hiveCompatiblePartitions: options.hiveCompatiblePartitions ?? false,
    perHourPartition: options.perHourPartition ?? false,
  };
}
