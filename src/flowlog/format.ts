import { InvalidLogFormat } from '../errors.js';
import { FIELD_BY_NAME, FIELDS, type FlowLogField } from './fields.js';
import { shorten } from '../text.js';

/** A parsed flow-log format: the fields of each record, in order. */
export interface LogFormat {
  /** The format string in the EC2 API's form. */
  readonly text: string;
  readonly fields: readonly FlowLogField[];
}

/** The default format: the 14 version-2 fields. */
export const DEFAULT_LOG_FORMAT_TEXT = FIELDS.filter((f) => f.version === 2)
  .map((f) => `\${${f.name}}`)
  .join(' ');

const TOKEN = /^\$\{([a-z0-9-]+)\}$/;

function validNames(): string {
  return FIELDS.map((f) => f.name).join(', ');
}

/**
 * Parses a format string such as `${version} ${vpc-id} ${srcaddr}` into its ordered fields.
 * @throws InvalidLogFormat naming the offending token and listing the valid field names.
 */
export function parseLogFormat(text: string): LogFormat {
  const tokens = text
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  if (tokens.length === 0) {
    throw new InvalidLogFormat(`log format is empty; list fields such as \${srcaddr}. Valid fields: ${validNames()}`);
  }
  const fields: FlowLogField[] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    const match = TOKEN.exec(token);
    if (!match) {
      throw new InvalidLogFormat(`log format token '${shorten(token)}' is malformed: write each field as \${name}. Valid fields: ${validNames()}`);
    }
    const field = FIELD_BY_NAME.get(match[1]);
    if (!field) {
      throw new InvalidLogFormat(`log format field '${shorten(token)}' is unknown. Valid fields: ${validNames()}`);
    }
    if (seen.has(field.name)) {
      throw new InvalidLogFormat(`log format field '${shorten(token)}' appears twice`);
    }
    seen.add(field.name);
    fields.push(field);
  }
  return { text: tokens.join(' '), fields };
}

/** The default version-2 format, parsed. */
export const DEFAULT_LOG_FORMAT: LogFormat = parseLogFormat(DEFAULT_LOG_FORMAT_TEXT);

/**
 * Reads the header line of a text flow-log file (`version account-id ...`) as a format.
 * @throws InvalidLogFormat when a header name is not a flow-log field.
 */
export function parseHeaderLine(line: string): LogFormat {
  return parseLogFormat(
    line
      .trim()
      .split(/\s+/)
      .map((name) => `\${${name}}`)
      .join(' '),
  );
}

/** The header line AWS writes at the top of a text file in this format. */
export function headerLine(format: LogFormat): string {
  return format.fields.map((f) => f.name).join(' ');
}

/** True when the format has a field with this column name. */
export function hasColumn(format: LogFormat, column: string): boolean {
  return format.fields.some((f) => f.column === column);
}
