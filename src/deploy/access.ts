import type { StackSettings } from './params.js';

/** A CloudFormation value: text, or an intrinsic function such as `Fn::Join`. */
export type CfnValue = string | Readonly<Record<string, unknown>>;

/** One IAM policy statement. */
export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly CfnValue[];
  readonly Condition?: Readonly<Record<string, unknown>>;
}

function arn(service: string, resource: string): CfnValue {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:${resource}`]] };
}

function s3Arn(path: string): CfnValue {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${path}`]] };
}

function bucketArn(logicalId: string, path?: string): CfnValue {
  const bucket = { 'Fn::GetAtt': [logicalId, 'Arn'] };
  return path === undefined ? bucket : { 'Fn::Join': ['', [bucket, `/${path}`]] };
}

/** The stack's buckets and queue, by CloudFormation logical id. */
export const RESULTS_BUCKET = 'QueryResultsBucket';
/** Where addPartitions' failed asynchronous invocations and undeliverable EventBridge events go. */
export const PARTITIONS_DLQ = 'AddPartitionsDeadLetterQueue';
export const REPORTS_BUCKET = 'ReportsBucket';
/** Where the workgroup writes query results, in the results bucket. */
export const RESULTS_PREFIX = 'results/';

/** Key patterns of VPC Flow Logs under a prefix, in AWS's plain and Hive-compatible layouts. */
export function flowLogKeyPatterns(prefix: string): string[] {
  return [`${prefix}AWSLogs/*/vpcflowlogs/*`, `${prefix}AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*`];
}

function athena(s: StackSettings, actions: string[]): Statement {
  return { Effect: 'Allow', Action: actions.map((a) => `athena:${a}`), Resource: [arn('athena', `workgroup/${s.workgroup}`)] };
}

function glue(s: StackSettings, actions: string[]): Statement {
  return {
    Effect: 'Allow',
    Action: actions.map((a) => `glue:${a}`),
    Resource: [arn('glue', 'catalog'), arn('glue', `database/${s.database}`), arn('glue', `table/${s.database}/${s.table}`)],
  };
}

/**
 * S3 decrypts SSE-KMS flow-log objects for Athena with the caller's permissions: Decrypt on that key,
 * and only through S3 in the key's region (S3 requires a bucket's KMS key to be in its region).
 */
function dataKeyDecrypt(s: StackSettings): Statement[] {
  const key = s.dataKmsKeyArn;
  if (key === undefined) return [];
  const region = key.split(':')[3];
  return [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [key], Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } } }];
}

/**
 * Athena reads the table and its files with the caller's permissions: the vpcflowlogs keys only.
 * Athena's documented Glue permissions also read the `default` database for every query.
 */
function tableRead(s: StackSettings): Statement[] {
  const patterns = flowLogKeyPatterns(s.dataPrefix);
  return [
    glue(s, ['GetDatabase', 'GetTable', 'GetPartition', 'GetPartitions', 'BatchGetPartition']),
    { Effect: 'Allow', Action: ['glue:GetDatabase'], Resource: [arn('glue', 'database/default')] },
    { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [s3Arn(s.dataBucket)] },
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [s3Arn(s.dataBucket)], Condition: { StringLike: { 's3:prefix': patterns } } },
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: patterns.map((p) => s3Arn(`${s.dataBucket}/${p}`)) },
    ...dataKeyDecrypt(s),
  ];
}

/** Discovery lists the account and region folders under AWSLogs/, and nothing else. */
function discoveryList(s: StackSettings): Statement {
  return {
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [s3Arn(s.dataBucket)],
    Condition: { StringLike: { 's3:prefix': [`${s.dataPrefix}AWSLogs/`, `${s.dataPrefix}AWSLogs/*`] } },
  };
}

/** The workgroup writes a query's result with the caller's permissions, into the results bucket. */
function resultsWrite(): Statement[] {
  return [
    { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: [bucketArn(RESULTS_BUCKET)] },
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: [bucketArn(RESULTS_BUCKET, `${RESULTS_PREFIX}*`)],
    },
  ];
}

/** GetQueryResults reads the result file with the caller's permissions. */
function resultsRead(): Statement {
  return { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [bucketArn(RESULTS_BUCKET, `${RESULTS_PREFIX}*`)] };
}

const RUN = ['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults'];

/**
 * What each function may do beyond writing its own logs: only the calls it makes, on the stack's
 * workgroup, table, flow-log keys and buckets. A function added to serverless.yml gets a line here
 * and `role: <Name>Role`.
 */
export const FUNCTION_ACCESS: Readonly<Record<string, (s: StackSettings) => Statement[]>> = {
  listQueries: () => [],
  // Answers within the sync budget or hands back the execution id; never stops a query.
  runQueryHttp: (s) => [athena(s, RUN), ...tableRead(s), ...resultsWrite()],
  getExecution: (s) => [athena(s, ['GetQueryExecution', 'GetQueryResults']), resultsRead()],
  // Stops its query when the function's time runs short.
  runQuery: (s) => [athena(s, [...RUN, 'StopQueryExecution']), ...tableRead(s), ...resultsWrite()],
  // GetPartitions only to see whether a table has partitions before changing its keys; on stack
  // create it adds the last days' partitions (BatchCreatePartition), discovering accounts and regions.
  createTable: (s) => [
    glue(s, ['GetDatabase', 'CreateDatabase', 'GetTable', 'CreateTable', 'UpdateTable', 'GetPartitions', 'BatchCreatePartition']),
    discoveryList(s),
  ],
  // Lambda sends a failed asynchronous invocation to the on-failure destination with the function's role.
  addPartitions: (s) => [
    glue(s, ['BatchCreatePartition', 'BatchGetPartition']),
    discoveryList(s),
    { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [PARTITIONS_DLQ, 'Arn'] }] },
  ],
  report: reportAccess,
};

/**
 * The report function's access: it runs queries as runQuery does, and reads, writes and deletes only
 * under the reports prefix of the reports bucket (with the KMS key, when reports are encrypted with
 * one), puts events on the default bus and publishes to the notification topic, if any. ListBucket on that bucket, which holds nothing but reports, lets S3 answer a missing key with
 * 404 rather than 403; a prefix condition would not, since GetObject carries no `s3:prefix`.
 */
export function reportAccess(s: StackSettings): Statement[] {
  const statements: Statement[] = [
    athena(s, [...RUN, 'StopQueryExecution']),
    ...tableRead(s),
    ...resultsWrite(),
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn(REPORTS_BUCKET)] },
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [bucketArn(REPORTS_BUCKET, `${s.reportsPrefix}*`)] },
  ];
  const key = s.report.kmsKeyId;
  if (key !== undefined)
    statements.push({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [key.startsWith('arn:') ? key : arn('kms', `key/${key}`)] });
  // The event of a day that changed goes to the default bus; the summary to the one topic, when there is one.
  statements.push({ Effect: 'Allow', Action: ['events:PutEvents'], Resource: [arn('events', 'event-bus/default')] });
  const topic = s.report.notifyTopicArn;
  if (topic !== undefined) statements.push({ Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] });
  return statements;
}

/** A function's logical-id stem as the framework names it: `listQueries` → `ListQueries`. */
export function logicalName(functionName: string): string {
  return functionName.charAt(0).toUpperCase() + functionName.slice(1);
}

/** The role of one function: assumed by Lambda, writing to its own log group, and its access. */
export function functionRole(functionName: string, statements: readonly Statement[]): Record<string, unknown> {
  const name = logicalName(functionName);
  const logs: Statement = { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [{ 'Fn::GetAtt': [`${name}LogGroup`, 'Arn'] }] };
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `flowq ${functionName}: only the calls it makes`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [{ PolicyName: `flowq-${functionName}`, PolicyDocument: { Version: '2012-10-17', Statement: [logs, ...statements] } }],
    },
  };
}
