/**
 * The shared filter block: the conditions every template puts on the records it counts, and one condition per filter
 * its header's `@params` names, written here once and expanded where a template body says `{{filters}}`.
 */
import { FIELD_BY_NAME, type FlowLogField } from '../flowlog/fields.js';
import type { ParamSpec } from './params.js';

/** The token a template body writes where the shared filter block goes: `  AND {{filters}}`. */
export const FILTERS_TOKEN = '{{filters}}';

/** A counted record carries bytes (NODATA and SKIPDATA records do not) and, where the format logs it, an OK status. */
const RECORD_CONDITIONS = ['bytes IS NOT NULL', "log_status = 'OK' -- if-column log_status"];

/** One body line and the line of the template file it comes from, for messages. */
export interface BodyLine {
  readonly text: string;
  readonly line: number;
}

/** The condition of one filter on the column of its field: equality, or the dialect hook for a network. */
function filterCondition(spec: ParamSpec & { readonly field: string }): string {
  // The catalogue of shared parameters names flow-log fields only (test/queries/templates.test.ts checks).
  const { column } = FIELD_BY_NAME.get(spec.field) as FlowLogField;
  return spec.kind === 'cidr' ? `{{cidr_contains(:${spec.name}, ${column})}}` : `${column} = :${spec.name}`;
}

/** The conditions of the block for these parameters: the record conditions, then each filter's, in header order. */
function filterConditions(params: readonly ParamSpec[]): string[] {
  const filters = params.filter((p): p is ParamSpec & { readonly field: string } => p.field !== undefined);
  return [...RECORD_CONDITIONS, ...filters.map(filterCondition)];
}

/**
 * A template body with each `{{filters}}` line written once per condition of the block, what precedes the token
 * repeated on each (`  AND {{filters}}` becomes `  AND bytes IS NOT NULL`, `  AND log_status = 'OK' ...`, ...).
 * @param firstLine the file line of the body's first line.
 * @param fail called with the reason when a line has text after the token.
 */
export function expandFilters(body: string, params: readonly ParamSpec[], firstLine: number, fail: (why: string) => never): BodyLine[] {
  return body.split('\n').flatMap((text, i): BodyLine[] => {
    const line = firstLine + i;
    const at = text.indexOf(FILTERS_TOKEN);
    if (at < 0 || text.trimStart().startsWith('--')) return [{ text, line }];
    if (text.slice(at + FILTERS_TOKEN.length).trim() !== '') fail(`line ${line}: ${FILTERS_TOKEN} ends its line; write other conditions on lines of their own`);
    return filterConditions(params).map((condition) => ({ text: text.slice(0, at) + condition, line }));
  });
}
