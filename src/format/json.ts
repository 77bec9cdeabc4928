import type { ResultDocument } from '../engines/engine.js';

/** A result as the one-line JSON document `flowq run --output json` prints and a report stores. */
export function renderJson(doc: ResultDocument): string {
  return `${JSON.stringify(doc)}\n`;
}
