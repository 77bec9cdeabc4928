import { intEnv, requireEnv } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { validateParams } from '../queries/params.js';
import { getTemplate, TEMPLATES } from '../queries/templates.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One template a report runs, with its parameters (`start` and `end` come from the report's day). */
export interface ReportTemplate {
  readonly name: string;
  readonly params: Readonly<Record<string, string | number>>;
}

/** Rows per ranking in a report unless the template's parameters say otherwise. */
export const REPORT_LIMIT = 25;

/** A template as a report runs it by default: 25 rows when it takes a limit. @throws UnknownQuery. */
export function reportTemplate(name: string): ReportTemplate {
  return { name, params: getTemplate(name).params.some((p) => p.name === 'limit') ? { limit: REPORT_LIMIT } : {} };
}

/** The templates a report runs unless told otherwise: the three, 25 rows each. */
export const DEFAULT_REPORT_TEMPLATES: readonly ReportTemplate[] = ['top-talkers', 'rejected-ports', 'eni-bytes'].map(reportTemplate);

/** At most this many of a report's queries run at once, unless told otherwise. */
export const DEFAULT_REPORT_CONCURRENCY = 3;

/** Where the report handler delivers, and what it runs. */
export interface ReportSettings {
  readonly bucket: string;
  /** Empty, or ends with `/`. */
  readonly prefix: string;
  readonly kmsKeyId?: string;
  readonly templates: readonly ReportTemplate[];
  readonly concurrency: number;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A key prefix as S3 keys use it: no leading `/`, a trailing `/` unless empty. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/**
 * Checks a list of report templates: known names, each once, parameters the template accepts
 * (without `start` or `end`, which come from the report's day).
 * @throws Error with a message that names the first bad entry.
 */
export function checkReportTemplates(value: unknown): ReportTemplate[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty JSON list of {"name", "params"}');
  const seen = new Set<string>();
  return value.map((entry: unknown, i) => {
    const e = entry as { name?: unknown; params?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string') throw new Error(`entry ${i} must be an object with a template name`);
    if (!TEMPLATES.has(e.name)) throw new Error(`entry ${i}: unknown template '${e.name}'; known: ${[...TEMPLATES.keys()].join(', ')}`);
    if (seen.has(e.name)) throw new Error(`entry ${i}: template '${e.name}' is listed twice`);
    seen.add(e.name);
    const params = e.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new Error(`entry ${i}: params must be an object`);
    for (const [key, v] of Object.entries(params)) {
      if (key === 'start' || key === 'end') throw new Error(`entry ${i}: ${key} comes from the report's day, leave it out`);
      if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`entry ${i}: param ${key} must be a string or a number`);
    }
    try {
      validateParams(getTemplate(e.name).params, { ...params, start: 0, end: 86_400 });
    } catch (error) {
      throw new Error(`entry ${i} (${e.name}): ${(error as Error).message}`, { cause: error });
    }
    return { name: e.name, params: params as Record<string, string | number> };
  });
}

/**
 * Reads the report handler's settings: `FLOWQ_REPORT_BUCKET` (required), `FLOWQ_REPORT_PREFIX`
 * (default `reports/`), `FLOWQ_REPORT_KMS_KEY_ID` (SSE-KMS with that key; the bucket's default
 * encryption otherwise), `FLOWQ_REPORT_TEMPLATES` (a JSON list of `{"name", "params"}`; default the
 * three templates with `limit` 25) and `FLOWQ_REPORT_CONCURRENCY` (queries in flight, default 3).
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readReportSettings(env: Env = process.env): ReportSettings {
  const templatesText = optional(env, 'FLOWQ_REPORT_TEMPLATES');
  let templates = DEFAULT_REPORT_TEMPLATES;
  if (templatesText !== undefined) {
    try {
      templates = checkReportTemplates(JSON.parse(templatesText));
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'is not valid JSON' : (error as Error).message;
      throw new InvalidConfiguration(`environment variable FLOWQ_REPORT_TEMPLATES: ${reason}`);
    }
  }
  return {
    bucket: requireEnv(env, 'FLOWQ_REPORT_BUCKET'),
    prefix: normalisePrefix(env.FLOWQ_REPORT_PREFIX ?? 'reports/'),
    kmsKeyId: optional(env, 'FLOWQ_REPORT_KMS_KEY_ID'),
    templates,
    concurrency: intEnv(env, 'FLOWQ_REPORT_CONCURRENCY', DEFAULT_REPORT_CONCURRENCY, 1),
  };
}
