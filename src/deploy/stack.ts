import { FUNCTION_ACCESS, functionRole, logicalName, REPORTS_BUCKET, RESULTS_BUCKET, RESULTS_PREFIX } from './access.js';
import { readStackSettings, type StackParams, type StackSettings } from './params.js';

/**
 * What serverless.yml takes from the deploy parameters (through deploy/stack.cjs): the functions'
 * environment, one role per function, the buckets, and the API's authorisation, CORS, throttling
 * and the partition events.
 */
export interface StackPlan {
  readonly settings: StackSettings;
  readonly environment: {
    /** Every function's. */
    readonly shared: Readonly<Record<string, string>>;
    /** The query functions' besides. */
    readonly query: Readonly<Record<string, string>>;
    /** The catalog functions' besides. */
    readonly catalog: Readonly<Record<string, string>>;
    /** The report function's besides: the query functions' variables, its bucket, prefix and options. */
    readonly report: Readonly<Record<string, unknown>>;
  };
  /** CloudFormation resources: roles, buckets and bucket policies. */
  readonly resources: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Additions to resources the framework makes (the HTTP API stage's throttling). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** `provider.httpApi.cors`: false unless origins are given. */
  readonly cors: false | Readonly<Record<string, unknown>>;
  /** `provider.httpApi.authorizers`. */
  readonly authorizers: Readonly<Record<string, unknown>>;
  /** Every route's `authorizer`. */
  readonly routeAuthorizer: Readonly<Record<string, unknown>>;
  /** The addPartitions function's events: the daily schedule, and object-created events when opted in. */
  readonly addPartitionsEvents: readonly Readonly<Record<string, unknown>>[];
}

/** A bucket only this stack writes: private, encrypted, TLS only, kept when the stack is removed. */
function protectedBucket(lifecycleRules: readonly Record<string, unknown>[]): Record<string, unknown> {
  return {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: lifecycleRules },
    },
  };
}

function tlsOnlyPolicy(bucket: string): Record<string, unknown> {
  const arn = { 'Fn::GetAtt': [bucket, 'Arn'] };
  return {
    Type: 'AWS::S3::BucketPolicy',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [arn, { 'Fn::Join': ['', [arn, '/*']] }],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
}

const ABORT_UPLOADS = { Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } };

function buckets(): Record<string, unknown> {
  return {
    // Results older than a week are past Athena's longest reuse age.
    [RESULTS_BUCKET]: protectedBucket([{ Id: 'expire-query-results', Status: 'Enabled', Prefix: RESULTS_PREFIX, ExpirationInDays: 8 }, ABORT_UPLOADS]),
    [`${RESULTS_BUCKET}Policy`]: tlsOnlyPolicy(RESULTS_BUCKET),
    [REPORTS_BUCKET]: protectedBucket([ABORT_UPLOADS]),
    [`${REPORTS_BUCKET}Policy`]: tlsOnlyPolicy(REPORTS_BUCKET),
  };
}

/** The suffix of the flow-log files the table reads. */
function fileSuffix(settings: StackSettings): string {
  return settings.fileFormat === 'parquet' ? '.log.parquet' : '.log.gz';
}

/**
 * The add-partitions function's events. Object-created events come through EventBridge (a rule on
 * the default bus), so the flow-log bucket's own notification configuration is never touched; the
 * bucket must have EventBridge delivery turned on.
 */
function addPartitionsEvents(settings: StackSettings): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [{ schedule: { rate: 'cron(0 12 * * ? *)', description: "Today's and tomorrow's partitions (UTC)" } }];
  if (settings.objectCreatedEvents) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: {
            bucket: { name: [settings.dataBucket] },
            object: { key: [{ wildcard: `${settings.dataPrefix}AWSLogs/*${fileSuffix(settings)}` }] },
          },
        },
      },
    });
  }
  return events;
}

const IAM_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];

/**
 * Builds the plan from the deploy parameters.
 * @throws InvalidConfiguration naming the parameter to fix.
 */
export function planStack(params: StackParams, context: { service: string; stage: string }): StackPlan {
  const settings = readStackSettings(params, context);
  const resources: Record<string, unknown> = { ...buckets() };
  for (const [name, access] of Object.entries(FUNCTION_ACCESS)) resources[`${logicalName(name)}Role`] = functionRole(name, access(settings));
  return {
    settings,
    environment: {
      shared: { POWERTOOLS_SERVICE_NAME: context.service, POWERTOOLS_LOG_LEVEL: 'INFO', ...pick(settings.queryEnvironment, settings.catalogEnvironment) },
      query: omit(settings.queryEnvironment, settings.catalogEnvironment),
      catalog: omit(settings.catalogEnvironment, settings.queryEnvironment),
      report: { ...omit(settings.queryEnvironment, settings.catalogEnvironment), FLOWQ_REPORT_BUCKET: { Ref: REPORTS_BUCKET }, ...settings.reportEnvironment },
    },
    resources,
    outputs: {
      AthenaWorkGroupName: { Value: { Ref: 'AthenaWorkGroup' } },
      QueryResultsBucketName: { Value: { Ref: RESULTS_BUCKET } },
      ReportsBucketName: { Value: { Ref: REPORTS_BUCKET } },
    },
    extensions: {
      HttpApiStage: {
        Properties: { DefaultRouteSettings: { ThrottlingRateLimit: settings.throttle.rateLimit, ThrottlingBurstLimit: settings.throttle.burstLimit } },
      },
    },
    cors:
      settings.corsOrigins.length === 0
        ? false
        : {
            allowedOrigins: [...settings.corsOrigins],
            allowedHeaders: settings.authorizer === 'jwt' ? ['authorization', 'content-type', 'idempotency-key'] : IAM_HEADERS,
            allowedMethods: ['GET', 'POST', 'OPTIONS'],
            exposedResponseHeaders: ['location', 'retry-after'],
            maxAge: 600,
          },
    authorizers:
      settings.jwt === undefined
        ? {}
        : { jwt: { type: 'jwt', identitySource: '$request.header.Authorization', issuerUrl: settings.jwt.issuerUrl, audience: [...settings.jwt.audience] } },
    routeAuthorizer: settings.authorizer === 'jwt' ? { name: 'jwt' } : { type: 'aws_iam' },
    addPartitionsEvents: addPartitionsEvents(settings),
  };
}

/** The entries of `a` that `b` has too. */
function pick(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k]) => k in b));
}

/** The entries of `a` that `b` lacks. */
function omit(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k]) => !(k in b)));
}
