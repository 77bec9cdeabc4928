import { createHash } from 'node:crypto';
import { DEFAULT_SCHEDULE_DAYS } from '../catalog/add-partitions-event.js';
import { tableInput } from '../catalog/model.js';
import { InvalidConfiguration } from '../errors.js';
import { flowLogKeyPatterns, FUNCTION_ACCESS, functionRole, logicalName, PARTITIONS_DLQ, REPORTS_BUCKET, RESULTS_BUCKET, RESULTS_PREFIX } from './access.js';
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
  /** CloudFormation resources: roles, buckets and bucket policies, the dead-letter queue, the alarms. */
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
  /** The addPartitions function's `destinations`: failed asynchronous invocations go to the dead-letter queue. */
  readonly addPartitionsDestinations: Readonly<Record<string, unknown>>;
  /** `provider.logs.httpApi.format`: one JSON line per API request. */
  readonly accessLogFormat: string;
  /** SHA-256 of the Glue table definition the settings give: a new definition updates the table on deploy. */
  readonly tableDigest: string;
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

/**
 * The suffix of the flow-log files the table reads. AWS documents the file name as
 * `{account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz` (VPC User Guide,
 * "Flow log files"); it gives no separate name for Parquet, whose files are delivered under the same
 * name ending `.log.parquet`, the suffix `parseObjectKey` (src/flowlog/layout.ts) reads.
 */
function fileSuffix(settings: StackSettings): string {
  return settings.fileFormat === 'parquet' ? '.log.parquet' : '.log.gz';
}

/**
 * The flow-log files of the table's layout: `AWSLogs/{account}/vpcflowlogs/...` or, Hive-compatible,
 * `AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/...`. ELB, Route 53 Resolver and others
 * also write `.log.gz` under `AWSLogs/`: the `vpcflowlogs` folder keeps their files out.
 */
function flowLogFilePattern(settings: StackSettings): string {
  const [plain, hive] = flowLogKeyPatterns(settings.dataPrefix);
  return `${settings.catalog.source.hiveCompatiblePartitions ? hive : plain}${fileSuffix(settings)}`;
}

/** EventBridge rule names are at most 64 characters. */
const MAX_RULE_NAME = 64;

/**
 * The EventBridge rule of object-created events: named, so the dead-letter queue can admit only it.
 * @throws InvalidConfiguration when the service and stage make the name too long.
 */
function flowLogFilesRule(settings: StackSettings): string {
  const name = `${settings.service}-${settings.stage}-flow-log-files`;
  if (name.length > MAX_RULE_NAME)
    throw new InvalidConfiguration(`the stage name '${settings.stage}' is too long for the rule ${name} (at most ${MAX_RULE_NAME} characters)`);
  return name;
}

function ruleArn(name: string): Record<string, unknown> {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:rule/${name}`]] };
}

/**
 * The add-partitions function's events. The schedule passes its time and the days around it. Object-
 * created events come through EventBridge (a rule on the default bus), so the flow-log bucket's own
 * notification configuration is never touched; the bucket must have EventBridge delivery turned on.
 * An event EventBridge cannot deliver goes to the dead-letter queue.
 */
function addPartitionsEvents(settings: StackSettings): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [
    {
      schedule: {
        rate: 'cron(0 12 * * ? *)',
        description: "Yesterday's, today's and tomorrow's partitions (UTC)",
        inputTransformer: {
          inputPathsMap: { time: '$.time' },
          inputTemplate: JSON.stringify({ time: '<time>', ...DEFAULT_SCHEDULE_DAYS }).replace('"<time>"', '<time>'),
        },
      },
    },
  ];
  if (settings.objectCreatedEvents) {
    events.push({
      eventBridge: {
        name: flowLogFilesRule(settings),
        pattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [settings.dataBucket] }, object: { key: [{ wildcard: flowLogFilePattern(settings) }] } },
        },
        retryPolicy: { maximumEventAge: 3600, maximumRetryAttempts: 10 },
        deadLetterQueueArn: { 'Fn::GetAtt': [PARTITIONS_DLQ, 'Arn'] },
      },
    });
  }
  return events;
}

/** The dead-letter queue of addPartitions (encrypted, 14 days), and EventBridge's right to send to it from the rule. */
function deadLetterQueue(settings: StackSettings): Record<string, unknown> {
  const resources: Record<string, unknown> = {
    [PARTITIONS_DLQ]: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true } },
  };
  if (settings.objectCreatedEvents) {
    resources[`${PARTITIONS_DLQ}Policy`] = {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: PARTITIONS_DLQ }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [PARTITIONS_DLQ, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': ruleArn(flowLogFilesRule(settings)) } },
            },
          ],
        },
      },
    };
  }
  return resources;
}

/**
 * The alarms, each notifying the topic when one is given: the bytes the workgroup's queries scanned
 * in a day (Athena publishes them per workgroup), and a failed partition run in the dead-letter queue.
 */
function alarms(settings: StackSettings): Record<string, unknown> {
  const actions = settings.scanAlarm.topicArn === undefined ? {} : { AlarmActions: [settings.scanAlarm.topicArn] };
  return {
    PartitionFailuresAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `flowq ${settings.workgroup}: a partition run or event failed; its message waits in the dead-letter queue`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [PARTITIONS_DLQ, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    },
    DailyScanAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `flowq ${settings.workgroup}: Athena scanned more than ${settings.scanAlarm.dailyBytes / 1024 ** 3} GiB in a day`,
        Namespace: 'AWS/Athena',
        MetricName: 'ProcessedBytes',
        Dimensions: [{ Name: 'WorkGroup', Value: { Ref: 'AthenaWorkGroup' } }],
        Statistic: 'Sum',
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: settings.scanAlarm.dailyBytes,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    },
  };
}

/**
 * The API's access log line: who called (the IAM caller's ARN, or the token's `sub`), which route and
 * path (the query name is the path's last part), the status and the latency.
 */
function accessLogFormat(settings: StackSettings): string {
  return JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    route: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    caller: settings.authorizer === 'jwt' ? '$context.authorizer.claims.sub' : '$context.identity.userArn',
    sourceIp: '$context.identity.sourceIp',
  });
}

/** SHA-256 of the Glue table the catalog functions will create from the same settings. */
export function tableDigest(settings: StackSettings): string {
  return createHash('sha256')
    .update(JSON.stringify(tableInput(settings.catalog)))
    .digest('hex');
}

const IAM_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];

/**
 * Builds the plan from the deploy parameters.
 * @throws InvalidConfiguration naming the parameter to fix.
 */
export function planStack(params: StackParams, context: { service: string; stage: string }): StackPlan {
  const settings = readStackSettings(params, context);
  const resources: Record<string, unknown> = { ...buckets(), ...deadLetterQueue(settings), ...alarms(settings) };
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
    addPartitionsDestinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': [PARTITIONS_DLQ, 'Arn'] } } },
    accessLogFormat: accessLogFormat(settings),
    tableDigest: tableDigest(settings),
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
