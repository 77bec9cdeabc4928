import { isSnsTopicArn } from '../aws/arn.js';
import { intEnv, optionalEnv, requireEnv, type Env } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { SHARED_PARAMS, validateParams } from '../queries/params.js';
import { checkFolderPrefix } from '../s3/location.js';
import { getTemplate, TEMPLATES } from '../queries/templates.js';
import { CHANGE_TEMPLATES } from './changes.js';

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

/** The templates a report runs unless told otherwise: what changed against the week before, then the three rankings, 25 rows each. */
export const DEFAULT_REPORT_TEMPLATES: readonly ReportTemplate[] = [...CHANGE_TEMPLATES, 'top-talkers', 'rejected-ports', 'eni-bytes'].map(reportTemplate);

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
  /** The SNS topic that gets a summary of each day that changed, besides the EventBridge event. */
  readonly notifyTopicArn?: string;
}

/** The internal networks the report's change templates use, from `FLOWQ_INTERNAL_CIDRS`: each template that takes them gets them. */
function withInternalCidrs(templates: readonly ReportTemplate[], text: string | undefined): readonly ReportTemplate[] {
  if (text === undefined) return templates;
  const spec = SHARED_PARAMS.get('internal_cidrs');
  try {
    validateParams(spec === undefined ? [] : [spec], { internal_cidrs: text });
  } catch (error) {
    throw new InvalidConfiguration(`environment variable FLOWQ_INTERNAL_CIDRS: ${(error as Error).message}`);
  }
  return templates.map((t) =>
    getTemplate(t.name).params.some((p) => p.name === 'internal_cidrs') && t.params.internal_cidrs === undefined
      ? { ...t, params: { ...t.params, internal_cidrs: text } }
      : t,
  );
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
 * (default `reports/`; folder names of letters, digits, `.`, `_` and `-`), `FLOWQ_REPORT_KMS_KEY_ID` (SSE-KMS with that key; the bucket's default
 * encryption otherwise), `FLOWQ_REPORT_TEMPLATES` (a JSON list of `{"name", "params"}`; default the
 * change templates and the three rankings with `limit` 25), `FLOWQ_REPORT_CONCURRENCY` (queries in flight, default 3),
 * `FLOWQ_INTERNAL_CIDRS` (the change templates' internal networks, comma-separated) and `FLOWQ_NOTIFY_TOPIC_ARN` (an SNS
 * topic for a summary of each day that changed).
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readReportSettings(env: Env = process.env): ReportSettings {
  const templatesText = optionalEnv(env, 'FLOWQ_REPORT_TEMPLATES');
  let templates = DEFAULT_REPORT_TEMPLATES;
  if (templatesText !== undefined) {
    try {
      templates = checkReportTemplates(JSON.parse(templatesText));
    } catch (error) {
      const reason = error instanceof SyntaxError ? 'is not valid JSON' : (error as Error).message;
      throw new InvalidConfiguration(`environment variable FLOWQ_REPORT_TEMPLATES: ${reason}`);
    }
  }
  const notifyTopicArn = optionalEnv(env, 'FLOWQ_NOTIFY_TOPIC_ARN');
  if (notifyTopicArn !== undefined && !isSnsTopicArn(notifyTopicArn)) {
    throw new InvalidConfiguration(`environment variable FLOWQ_NOTIFY_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)`);
  }
  return {
    bucket: requireEnv(env, 'FLOWQ_REPORT_BUCKET'),
    prefix: checkFolderPrefix('environment variable FLOWQ_REPORT_PREFIX', env.FLOWQ_REPORT_PREFIX ?? 'reports/'),
    kmsKeyId: optionalEnv(env, 'FLOWQ_REPORT_KMS_KEY_ID'),
    templates: withInternalCidrs(templates, optionalEnv(env, 'FLOWQ_INTERNAL_CIDRS')),
    concurrency: intEnv(env, 'FLOWQ_REPORT_CONCURRENCY', DEFAULT_REPORT_CONCURRENCY, 1),
    ...(notifyTopicArn === undefined ? {} : { notifyTopicArn }),
  };
}
