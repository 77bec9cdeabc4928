import { UnknownQuery } from '../errors.js';
import eniBytesSql from '../../queries/eni-bytes.sql';
import rejectedPortsSql from '../../queries/rejected-ports.sql';
import topTalkersSql from '../../queries/top-talkers.sql';
import { ACTION, COMMON_PARAMS, INTERFACE_ID, type ParamSpec } from './params.js';
import { shorten } from '../text.js';

/** One SQL template: the product's vocabulary. */
export interface Template {
  /** The template's name; also its file name under `queries/`. */
  readonly name: string;
  readonly description: string;
  /** The SQL text with named placeholders (`:start`) and configured identifiers (`{{table}}`). */
  readonly sql: string;
  /** The parameters a caller gives. */
  readonly params: readonly ParamSpec[];
  /** Columns the template reads; a log format without them cannot answer it. */
  readonly requiredColumns: readonly string[];
}

/** Every template, by name. */
export const TEMPLATES: ReadonlyMap<string, Template> = new Map(
  [
    {
      name: 'top-talkers',
      description: 'Source/destination pairs that moved the most bytes',
      sql: topTalkersSql,
      params: [...COMMON_PARAMS, INTERFACE_ID, ACTION],
      requiredColumns: ['srcaddr', 'dstaddr', 'bytes', 'packets', 'start', 'end'],
    },
    {
      name: 'rejected-ports',
      description: 'Destination ports and protocols rejected most often',
      sql: rejectedPortsSql,
      params: [...COMMON_PARAMS, INTERFACE_ID],
      requiredColumns: ['dstport', 'protocol', 'packets', 'bytes', 'srcaddr', 'start', 'action'],
    },
    {
      name: 'eni-bytes',
      description: 'Network interfaces that moved the most bytes',
      sql: eniBytesSql,
      params: [...COMMON_PARAMS, INTERFACE_ID],
      requiredColumns: ['interface_id', 'bytes', 'packets', 'start'],
    },
  ].map((t) => [t.name, t]),
);

/**
 * The template with this name.
 * @throws UnknownQuery listing the known names.
 */
export function getTemplate(name: string): Template {
  const template = TEMPLATES.get(name);
  if (!template) throw new UnknownQuery(`unknown query '${shorten(name)}'; known queries: ${[...TEMPLATES.keys()].join(', ')}`);
  return template;
}
