import { readApiSettings } from '../api/settings.js';
import { isSnsTopicArn } from '../aws/arn.js';
import { makeCatalogSettings, type CatalogSettings, type OptionLabels } from '../catalog/settings.js';
import { AthenaEngine } from '../engines/athena.js';
import { InvalidConfiguration } from '../errors.js';
import { readReportSettings } from '../reports/settings.js';
import { checkFolderPrefix, isBucketName } from '../s3/location.js';
import { splitList } from '../text.js';

/** Deploy parameters as serverless.yml hands them over (`params.default`, `--param=name=value`): text. */
export type StackParams = Readonly<Record<string, string | undefined>>;

/** How API routes are authorised: SigV4 (`aws_iam`) or a JWT authorizer. */
export type Authorizer = 'iam' | 'jwt';

/** The deploy parameters, checked and normalised: what the stack is built from. */
export interface StackSettings {
  readonly service: string;
  readonly stage: string;
  readonly workgroup: string;
  readonly database: string;
  readonly table: string;
  readonly dataBucket: string;
  /** Empty or ending in `/`, never starting with one. */
  readonly dataPrefix: string;
  readonly fileFormat: 'plain-text' | 'parquet';
  readonly bytesScannedCutoff: number;
  readonly corsOrigins: readonly string[];
  readonly authorizer: Authorizer;
  readonly jwt?: { readonly issuerUrl: string; readonly audience: readonly string[] };
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Object-created events through EventBridge, besides the daily schedule. */
  readonly objectCreatedEvents: boolean;
  /** Ends in `/`. */
  readonly reportsPrefix: string;
  /** The report function's KMS key (id or ARN), when reports are encrypted with one. */
  readonly report: { readonly kmsKeyId?: string; readonly notifyTopicArn?: string };
  /** The KMS key (ARN) that encrypts the flow-log objects (SSE-KMS), when one does. */
  readonly dataKmsKeyArn?: string;
  /** The alarm on the workgroup's bytes scanned in a day, and the SNS topic it notifies, if any. */
  readonly scanAlarm: { readonly dailyBytes: number; readonly topicArn?: string };
  /** Reserved concurrency of the HTTP query function: how many queries the API starts at once, at most. */
  readonly queryConcurrency: number;
  /** Days before today whose partitions the table function adds when the stack is created. */
  readonly backfillDays: number;
  /** The report function's environment beyond the query functions' (its bucket is the stack's). */
  readonly reportEnvironment: Readonly<Record<string, string>>;
  /** The query functions' environment beyond the provider's. */
  readonly queryEnvironment: Readonly<Record<string, string>>;
  /** The catalog functions' environment beyond the provider's. */
  readonly catalogEnvironment: Readonly<Record<string, string>>;
  /** The Glue table as the catalog functions will read their environment: what the table definition is built from. */
  readonly catalog: CatalogSettings;
}

/** Each environment variable a function reads, and the deploy parameter it comes from. */
const PARAM_OF_VARIABLE: Readonly<Record<string, string>> = {
  FLOWQ_DATABASE: 'database',
  FLOWQ_TABLE: 'table',
  FLOWQ_LOCATION: 'dataBucket/dataPrefix',
  FLOWQ_LOG_FORMAT: 'logFormat',
  FLOWQ_HIVE_PARTITIONS: 'hive',
  FLOWQ_PER_HOUR: 'perHour',
  FLOWQ_FILE_FORMAT: 'fileFormat',
  FLOWQ_PARTITION_MODE: 'partitionMode',
  FLOWQ_ACCOUNTS: 'accounts',
  FLOWQ_REGIONS: 'regions',
  FLOWQ_PROJECTION_START: 'projectionStart',
  FLOWQ_WORKGROUP: 'stage',
  FLOWQ_RESULT_REUSE_MINUTES: 'resultReuseMinutes',
  FLOWQ_SYNC_BUDGET_MS: 'syncBudgetMs',
  FLOWQ_MAX_RANGE_DAYS: 'maxRangeDays',
  FLOWQ_LATE_MARGIN_SECONDS: 'lateMarginMinutes',
  FLOWQ_CORS_ORIGINS: 'corsOrigins',
  FLOWQ_REPORT_PREFIX: 'reportsPrefix',
  FLOWQ_REPORT_KMS_KEY_ID: 'reportKmsKeyId',
  FLOWQ_REPORT_TEMPLATES: 'reportTemplates',
  FLOWQ_REPORT_CONCURRENCY: 'reportConcurrency',
  FLOWQ_NOTIFY_TOPIC_ARN: 'notifyTopicArn',
  FLOWQ_INTERNAL_CIDRS: 'internalCidrs',
};

const CATALOG_LABELS: OptionLabels = {
  database: 'param database',
  table: 'param table',
  location: 'params dataBucket/dataPrefix',
  logFormat: 'param logFormat',
  fileFormat: 'param fileFormat',
  hiveCompatiblePartitions: 'param hive',
  perHourPartition: 'param perHour',
  partitionMode: 'param partitionMode',
  accounts: 'param accounts',
  regions: 'param regions',
  projectionStart: 'param projectionStart',
};

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;
/** Athena keeps results for reuse 7 days at most. */
const MAX_RESULT_REUSE_MINUTES = 7 * 24 * 60;
/** Athena's smallest per-query scan cutoff: 10 MB. */
const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

function text(params: StackParams, name: string): string {
  return (params[name] ?? '').trim();
}

function wholeNumber(params: StackParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = text(params, name);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InvalidConfiguration(`param ${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  }
  return Number(value);
}

function oneOf<T extends string>(params: StackParams, name: string, values: readonly T[]): T {
  const value = text(params, name);
  if (!values.includes(value as T)) throw new InvalidConfiguration(`param ${name} must be one of ${values.join(', ')}, not '${value}'`);
  return value as T;
}

function list(params: StackParams, name: string): string[] {
  return splitList(text(params, name));
}

/** A bucket name as S3 allows it (general purpose buckets). */
function checkBucketName(param: string, name: string): string {
  if (!isBucketName(name)) {
    throw new InvalidConfiguration(`param ${param} must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), not '${name}'`);
  }
  return name;
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[0-9a-zA-Z-]+$/;
const GIB = 1024 ** 3;
/** The most days one backfill on create adds: a year, well within one run's partitions. */
const MAX_BACKFILL_DAYS = 366;

const KMS_KEY = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-zA-Z-]+)$/;

/** Names the deploy parameter behind an environment variable in a runtime reader's message. */
function inParamTerms(message: string): string {
  return message.replace(/(environment variable )?(FLOWQ_[A-Z_]+)/g, (whole, _label: string | undefined, variable: string) =>
    PARAM_OF_VARIABLE[variable] === undefined ? whole : `param ${PARAM_OF_VARIABLE[variable]}`,
  );
}

/**
 * Checks and normalises the deploy parameters. The functions' environment is built here and read
 * back by the very readers the functions run at cold start, so a value that would fail there fails
 * `sls package` instead, naming the parameter.
 * @throws InvalidConfiguration naming the parameter to fix.
 */
export function readStackSettings(params: StackParams, context: { service: string; stage: string }): StackSettings {
  const workgroup = `${context.service}-${context.stage}`;
  const dataBucket = checkBucketName('dataBucket', text(params, 'dataBucket'));
  const dataPrefix = checkFolderPrefix('param dataPrefix', params.dataPrefix ?? '');
  const reportsPrefix = checkFolderPrefix('param reportsPrefix', text(params, 'reportsPrefix') || 'reports/');
  if (reportsPrefix === '') throw new InvalidConfiguration('param reportsPrefix must name a folder, such as reports/');
  const kmsKeyId = text(params, 'reportKmsKeyId');
  // The role names the key: an alias cannot stand in an IAM policy for the key's use.
  if (kmsKeyId !== '' && !KMS_KEY.test(kmsKeyId)) throw new InvalidConfiguration(`param reportKmsKeyId must be a KMS key id or key ARN, not '${kmsKeyId}'`);
  const reportEnvironment = {
    FLOWQ_REPORT_PREFIX: reportsPrefix,
    FLOWQ_REPORT_KMS_KEY_ID: kmsKeyId,
    FLOWQ_REPORT_TEMPLATES: text(params, 'reportTemplates'),
    FLOWQ_REPORT_CONCURRENCY: text(params, 'reportConcurrency'),
    FLOWQ_NOTIFY_TOPIC_ARN: text(params, 'notifyTopicArn'),
    FLOWQ_INTERNAL_CIDRS: text(params, 'internalCidrs'),
  };
  const fileFormat = oneOf(params, 'fileFormat', ['plain-text', 'parquet'] as const);
  const corsOrigins = list(params, 'corsOrigins');
  const badOrigin = corsOrigins.find((o) => o !== '*' && !ORIGIN.test(o));
  if (badOrigin !== undefined) throw new InvalidConfiguration(`param corsOrigins: '${badOrigin}' is not an origin such as https://app.example.com`);
  const authorizer = oneOf(params, 'authorizer', ['iam', 'jwt'] as const);
  let jwt: StackSettings['jwt'];
  if (authorizer === 'jwt') {
    const issuerUrl = text(params, 'jwtIssuerUrl');
    const audience = list(params, 'jwtAudience');
    if (!/^https:\/\/\S+$/.test(issuerUrl)) throw new InvalidConfiguration(`param jwtIssuerUrl must be the token issuer's https:// URL, not '${issuerUrl}'`);
    if (audience.length === 0) throw new InvalidConfiguration('param jwtAudience must list the accepted audiences (client ids), comma-separated');
    jwt = { issuerUrl, audience };
  }
  const throttle = { rateLimit: wholeNumber(params, 'throttleRate', 1, 10_000), burstLimit: wholeNumber(params, 'throttleBurst', 1, 5_000) };
  const objectCreatedEvents = oneOf(params, 'objectCreatedEvents', ['true', 'false'] as const) === 'true';
  const bytesScannedCutoff = wholeNumber(params, 'bytesScannedCutoff', MIN_BYTES_SCANNED_CUTOFF);
  wholeNumber(params, 'resultReuseMinutes', 0, MAX_RESULT_REUSE_MINUTES);
  const lateMarginMinutes = wholeNumber(params, 'lateMarginMinutes', 0, 60);
  const dataKmsKeyArn = text(params, 'dataKmsKeyArn');
  if (dataKmsKeyArn !== '' && !KMS_KEY_ARN.test(dataKmsKeyArn)) {
    throw new InvalidConfiguration(`param dataKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not '${dataKmsKeyArn}'`);
  }
  const alarmTopicArn = text(params, 'alarmTopicArn');
  if (alarmTopicArn !== '' && !isSnsTopicArn(alarmTopicArn)) {
    throw new InvalidConfiguration(`param alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), not '${alarmTopicArn}'`);
  }
  const scanAlarm = { dailyBytes: wholeNumber(params, 'dailyScanAlarmGiB', 1, 1_000_000) * GIB, ...(alarmTopicArn !== '' && { topicArn: alarmTopicArn }) };
  const queryConcurrency = wholeNumber(params, 'queryConcurrency', 1, 1000);
  const backfillDays = wholeNumber(params, 'backfillDays', 0, MAX_BACKFILL_DAYS);

  const shared = {
    FLOWQ_DATABASE: text(params, 'database'),
    FLOWQ_TABLE: text(params, 'table'),
    FLOWQ_LOCATION: `s3://${dataBucket}/${dataPrefix}`,
    FLOWQ_LOG_FORMAT: text(params, 'logFormat'),
    FLOWQ_HIVE_PARTITIONS: text(params, 'hive'),
    FLOWQ_PER_HOUR: text(params, 'perHour'),
  };
  const queryEnvironment = {
    ...shared,
    FLOWQ_WORKGROUP: workgroup,
    FLOWQ_RESULT_REUSE_MINUTES: text(params, 'resultReuseMinutes'),
    FLOWQ_SYNC_BUDGET_MS: text(params, 'syncBudgetMs'),
    FLOWQ_MAX_RANGE_DAYS: text(params, 'maxRangeDays'),
    FLOWQ_LATE_MARGIN_SECONDS: String(lateMarginMinutes * 60),
    FLOWQ_CORS_ORIGINS: corsOrigins.join(','),
  };
  const catalogEnvironment = {
    ...shared,
    FLOWQ_FILE_FORMAT: fileFormat,
    FLOWQ_PARTITION_MODE: text(params, 'partitionMode'),
    FLOWQ_ACCOUNTS: text(params, 'accounts'),
    FLOWQ_REGIONS: text(params, 'regions'),
    FLOWQ_PROJECTION_START: text(params, 'projectionStart'),
  };
  let catalog: CatalogSettings;
  try {
    const api = readApiSettings(queryEnvironment);
    // The bucket is the stack's own, named by CloudFormation; any name stands in for it here.
    readReportSettings({ ...reportEnvironment, FLOWQ_REPORT_BUCKET: 'the-reports-bucket' });
    if (api.engine.kind === 'athena') new AthenaEngine(api.engine.athena);
    catalog = makeCatalogSettings(
      {
        database: catalogEnvironment.FLOWQ_DATABASE,
        table: catalogEnvironment.FLOWQ_TABLE,
        location: catalogEnvironment.FLOWQ_LOCATION,
        logFormat: catalogEnvironment.FLOWQ_LOG_FORMAT,
        fileFormat,
        hiveCompatiblePartitions: api.engine.kind === 'athena' && api.engine.athena.layout.hiveCompatiblePartitions,
        perHourPartition: api.engine.kind === 'athena' && api.engine.athena.layout.perHourPartition,
        partitionMode: catalogEnvironment.FLOWQ_PARTITION_MODE,
        accounts: catalogEnvironment.FLOWQ_ACCOUNTS,
        regions: catalogEnvironment.FLOWQ_REGIONS,
        projectionStart: catalogEnvironment.FLOWQ_PROJECTION_START || undefined,
      },
      CATALOG_LABELS,
    );
  } catch (error) {
    if (error instanceof Error) throw new InvalidConfiguration(inParamTerms(error.message), { cause: error });
    throw error;
  }
  return {
    service: context.service,
    stage: context.stage,
    workgroup,
    database: shared.FLOWQ_DATABASE,
    table: shared.FLOWQ_TABLE,
    dataBucket,
    dataPrefix,
    fileFormat,
    bytesScannedCutoff,
    corsOrigins,
    authorizer,
    ...(jwt && { jwt }),
    throttle,
    objectCreatedEvents,
    ...(dataKmsKeyArn !== '' && { dataKmsKeyArn }),
    scanAlarm,
    queryConcurrency,
    backfillDays,
    reportsPrefix,
    report: {
      ...(kmsKeyId === '' ? {} : { kmsKeyId }),
      ...(reportEnvironment.FLOWQ_NOTIFY_TOPIC_ARN === '' ? {} : { notifyTopicArn: reportEnvironment.FLOWQ_NOTIFY_TOPIC_ARN }),
    },
    reportEnvironment,
    queryEnvironment,
    catalogEnvironment,
    catalog,
  };
}
