import { FlowqError } from '../errors.js';
import { logger } from '../logger.js';
import { addPartitionsForRange } from './add-partitions-event.js';
import { ensureTable, type EnsureTableResult } from './ensure-table.js';
import { InvalidEvent } from './errors.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { deadlineFrom, type RemainingTime } from '../lambda/deadline.js';
import { retry } from '../aws/retry.js';
import type { CatalogSettings } from './settings.js';

/** A CloudFormation custom-resource request, as Lambda receives it. */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties?: Readonly<Record<string, unknown>>;
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
}

/** The document PUT to the request's ResponseURL. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

/** Collaborators a test replaces: the clock the response PUT's retries wait on. */
export interface CustomResourceOptions {
  readonly clock?: Clock;
}

/** Time kept back from the Lambda timeout to answer FAILED before the function is stopped. */
export const RESPONSE_MARGIN_MS = 10_000;
const MAX_REASON = 1000;

/** Our errors say what is wrong in their message; an AWS error also needs its name (AccessDeniedException). */
function reasonOf(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const named = !(error instanceof FlowqError) && e?.name !== undefined && e.name !== 'Error';
  const text = e?.message ? (named ? `${e.name}: ${e.message}` : e.message) : String(error);
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

function physicalId(settings: CatalogSettings): string {
  return `${settings.database}.${settings.table}`;
}

function dataOf(settings: CatalogSettings, result: EnsureTableResult, backfill?: string): Record<string, string> {
  const changes = result.changes.join('; ');
  return {
    Database: settings.database,
    Table: settings.table,
    Result: result.table,
    Changes: changes.length > MAX_REASON ? `${changes.slice(0, MAX_REASON - 1)}…` : changes,
    ...(backfill !== undefined && { Backfill: backfill }),
  };
}

const DAY = 86_400;
/** The most days a create's backfill covers (the deploy param's own limit). */
const MAX_BACKFILL_DAYS = 366;

/**
 * The `BackfillDays` property of a Create: how many days before today get partitions along with
 * today and tomorrow; absent, none are added.
 * @throws InvalidEvent when it is not a whole number of days (CloudFormation passes numbers as text).
 */
export function backfillDaysOf(properties: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const raw = properties?.BackfillDays;
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
  if (!/^\d{1,3}$/.test(text) || Number(text) > MAX_BACKFILL_DAYS)
    throw new InvalidEvent(`BackfillDays must be a whole number from 0 to ${MAX_BACKFILL_DAYS}, not '${text}'`);
  return Number(text);
}

/**
 * On stack create, adds the partitions of the last `days` days, today and tomorrow, so the first
 * query answers before the daily schedule first runs. A failure here leaves the table in place and
 * the stack going: it is logged and told in the resource's `Backfill` attribute, and the schedule
 * adds today's partitions on its next run.
 */
async function backfillOnCreate(settings: CatalogSettings, days: number, now: number, budgetMs: number): Promise<string> {
  if (settings.partitionMode === 'projection') return 'none: partition projection';
  const today = Math.floor(now / 1000 / DAY) * DAY;
  try {
    const run = await withDeadline(addPartitionsForRange(settings, 'backfill', { from: today - days * DAY, to: today + 2 * DAY }), budgetMs);
    if (run.failed.length > 0) logger.error('backfill left partitions out', { failed: run.failed.slice(0, 10) });
    return `${run.from} to ${run.to}: ${run.created} created, ${run.existing} existing, ${run.failed.length} failed`;
  } catch (error) {
    logger.error('backfill failed; the schedule adds the partitions on its next run', { error: error as Error });
    return `failed: ${reasonOf(error)}`;
  }
}

/** True for an event that has the fields of a CloudFormation custom-resource request. */
export function isCustomResourceRequest(event: unknown): event is CustomResourceRequest {
  return typeof event === 'object' && event !== null && 'RequestType' in event;
}

function checkRequest(event: CustomResourceRequest): void {
  const missing = ['ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId'].filter(
    (k) => typeof (event as unknown as Record<string, unknown>)[k] !== 'string',
  );
  if (missing.length > 0) throw new InvalidEvent(`custom-resource request lacks ${missing.join(', ')}`);
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    const message = `Glue did not finish in time: gave up ${RESPONSE_MARGIN_MS / 1000} s before the Lambda timeout`;
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PUTs the response to the presigned ResponseURL, retrying a few times, since CloudFormation waits
 * for it. The content type is empty because the URL was signed without one.
 * @throws Error when every attempt fails.
 */
export async function sendCustomResourceResponse(url: string, response: CustomResourceResponse, clock: Clock = SYSTEM_CLOCK): Promise<void> {
  const body = JSON.stringify(response);
  await retry(
    async () => {
      const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) } });
      if (!res.ok) throw new Error(`the response URL answered HTTP ${res.status}`);
    },
    { clock, retryable: () => true },
  );
}

/**
 * Answers a CloudFormation custom-resource request for the flow-logs table. Create and Update run
 * `ensureTable`; a Create with `BackfillDays` then adds the last days' partitions; Delete leaves the table in place (its data and partitions outlive the stack). Any
 * failure, including bad settings and running out of time, is answered FAILED with its reason, so
 * the stack never waits for a response that will not come.
 * @returns the response it sent.
 * @throws InvalidEvent when the request has no ResponseURL to answer at.
 */
export async function answerCustomResource(
  event: CustomResourceRequest,
  context: RemainingTime,
  settings: () => CatalogSettings,
  options: CustomResourceOptions = {},
): Promise<CustomResourceResponse> {
  checkRequest(event);
  const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  const fallbackId = event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`;
  let response: CustomResourceResponse;
  try {
    if (event.RequestType === 'Delete') {
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: fallbackId };
    } else if (event.RequestType === 'Create' || event.RequestType === 'Update') {
      const config = settings();
      const backfillDays = event.RequestType === 'Create' ? backfillDaysOf(event.ResourceProperties) : undefined;
      const clock = options.clock ?? SYSTEM_CLOCK;
      const deadline = deadlineFrom(context, RESPONSE_MARGIN_MS, clock);
      const budget = () => Math.max(0, deadline - clock.now());
      const result = await withDeadline(ensureTable(config), budget());
      const backfill = backfillDays === undefined ? undefined : await backfillOnCreate(config, backfillDays, clock.now(), budget());
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: physicalId(config), Data: dataOf(config, result, backfill) };
    } else {
      throw new InvalidEvent(`RequestType '${String(event.RequestType)}' is not one of Create, Update, Delete`);
    }
  } catch (error) {
    logger.error('custom resource failed', { requestType: event.RequestType, error: error as Error });
    response = { ...base, Status: 'FAILED', Reason: reasonOf(error), PhysicalResourceId: fallbackId };
  }
  logger.info('answering custom resource', { requestType: event.RequestType, status: response.Status, reason: response.Reason });
  await sendCustomResourceResponse(event.ResponseURL, response, options.clock);
  return response;
}

/** What the create-table function returns: the custom-resource response it sent, or ensureTable's result. */
export type CreateTableOutcome = CustomResourceResponse | EnsureTableResult;

/**
 * Handles one event of the create-table function: a CloudFormation custom-resource request, or a
 * direct invocation (any other object) that runs `ensureTable` and returns what it did.
 */
export async function onCreateTableEvent(
  event: unknown,
  context: RemainingTime,
  settings: () => CatalogSettings,
  options: CustomResourceOptions = {},
): Promise<CreateTableOutcome> {
  if (isCustomResourceRequest(event)) return answerCustomResource(event, context, settings, options);
  if (event !== undefined && event !== null && (typeof event !== 'object' || Array.isArray(event))) {
    throw new InvalidEvent('expected a CloudFormation custom-resource request or an object (direct invocation)');
  }
  return ensureTable(settings());
}
