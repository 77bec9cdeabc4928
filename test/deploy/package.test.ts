// `npm run package` on a copy of the repository, offline, as CI and a fresh clone run it: the
// CloudFormation template a security reviewer reads (roles, buckets, API, events), cfn-lint on it,
// and the Lambda zips (budgets, contents, what each bundle loads).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { scheduleRange } from '../../src/catalog/add-partitions-event.js';
import { tableInput } from '../../src/catalog/model.js';
import { loadCatalogSettings } from '../../src/catalog/settings.js';
import { objectKey } from '../../src/flowlog/layout.js';

const run = promisify(execFile);
const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const KB = 1000;

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: unknown;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const ENV = { ...process.env, SLS_TELEMETRY_DISABLED: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

const DATA_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALARM_TOPIC = 'arn:aws:sns:us-east-1:111122223333:flowq-spend';
const GIB = 1024 ** 3;
/** The SNS topic of the second package's change summaries. */
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:flowq-changes';

/** The deploy parameters of the second package: every opt-in, and a prefix without its slash. */
const OPTIONS = [
  'dataBucket=corp-flow-logs',
  'dataPrefix=vpc',
  'fileFormat=parquet',
  'objectCreatedEvents=true',
  'authorizer=jwt',
  'jwtIssuerUrl=https://issuer.example.com/pool',
  'jwtAudience=client-a,client-b',
  'corsOrigins=https://app.example.com,http://localhost:5173',
  'projectionStart=2024-06-01',
  'throttleRate=5',
  'throttleBurst=9',
  'hive=true',
  `dataKmsKeyArn=${DATA_KEY}`,
  'dailyScanAlarmGiB=20',
  `alarmTopicArn=${ALARM_TOPIC}`,
  'queryConcurrency=3',
  'backfillDays=2',
  `notifyTopicArn=${TOPIC}`,
];

let work: string;
const packaged: Record<'defaults' | 'options', { dir: string; template: Template }> = {} as never;

function copyRepository(to: string): void {
  const skip = new Set(['node_modules', '.git', '.serverless', '.esbuild', '.flowq', 'dist', 'coverage', '.tmp']);
  for (const entry of readdirSync(ROOT)) {
    if (!skip.has(entry)) cpSync(join(ROOT, entry), join(to, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'), 'dir');
}

async function npmPackage(out: string, params: readonly string[] = []): Promise<Template> {
  await run('npm', ['run', 'package', '--silent', '--', '--package', out, ...params.map((p) => `--param=${p}`)], { cwd: work, env: ENV, maxBuffer: 1 << 24 });
  return JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flowq-package-'));
  copyRepository(work);
  const defaults = join(work, 'out-defaults');
  const options = join(work, 'out-options');
  packaged.defaults = { dir: defaults, template: await npmPackage(defaults) };
  packaged.options = { dir: options, template: await npmPackage(options, OPTIONS) };
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An intrinsic value as text: `${Ref}`, `${Id.Attr}`, joins concatenated; an S3 ARN built from a Ref reads as the bucket's Arn. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const v = value as Json;
  if ('Ref' in v) return `\${${String(v.Ref)}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts
      .map(show)
      .join(separator)
      .replace(/^arn:\$\{AWS::Partition\}:s3:::\$\{(\w+)\}/, '${$1.Arn}');
  }
  return JSON.stringify(value);
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Each function's name (as serverless.yml names it), its role's logical id and its role's statements. */
function functionRoles(template: Template) {
  return ofType(template, 'AWS::Lambda::Function').map(([id, fn]) => {
    const role = (fn.Properties.Role as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] ?? '(none)';
    const resource = template.Resources[role];
    const policies = (resource?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
    return {
      name: String(fn.Properties.FunctionName).replace(/^flowq-dev-/, ''),
      id,
      role,
      type: resource?.Type,
      statements: policies.flatMap((p) => p.PolicyDocument.Statement),
    };
  });
}

/** A role's grants as lines `effect action on resource [if condition]`, sorted. */
function grants(statements: readonly Statement[]): string[] {
  return statements
    .flatMap((s) =>
      list(s.Action).flatMap((action) =>
        list(s.Resource).map((r) => `${s.Effect} ${action} on ${show(r)}${s.Condition ? ` if ${JSON.stringify(s.Condition)}` : ''}`),
      ),
    )
    .sort();
}

const WORKGROUP = 'arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/flowq-dev';
const GLUE = ['catalog', 'database/flowq', 'table/flowq/flow_logs'].map((r) => `arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:${r}`);

/** The access each function needs, written out from what its code calls (src/api, src/catalog). */
function expectedGrants(fn: string, bucket: string, prefix: string, dataKey?: string): string[] {
  const logs = ['logs:CreateLogStream', 'logs:PutLogEvents'].map((a) => `Allow ${a} on \${${fn.charAt(0).toUpperCase()}${fn.slice(1)}LogGroup.Arn}`);
  const athena = (actions: string[]) => actions.map((a) => `Allow athena:${a} on ${WORKGROUP}`);
  const glue = (actions: string[]) => actions.flatMap((a) => GLUE.map((r) => `Allow glue:${a} on ${r}`));
  const keys = [`${prefix}AWSLogs/*/vpcflowlogs/*`, `${prefix}AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*`];
  const flowLogs = [
    `Allow s3:GetBucketLocation on arn:\${AWS::Partition}:s3:::${bucket}`,
    `Allow s3:ListBucket on arn:\${AWS::Partition}:s3:::${bucket} if ${JSON.stringify({ StringLike: { 's3:prefix': keys } })}`,
    ...keys.map((k) => `Allow s3:GetObject on arn:\${AWS::Partition}:s3:::${bucket}/${k}`),
  ];
  // Athena's documented Glue permissions for a query include GetDatabase on the default database.
  const defaultDatabase = `Allow glue:GetDatabase on arn:\${AWS::Partition}:glue:\${AWS::Region}:\${AWS::AccountId}:database/default`;
  // S3 decrypts SSE-KMS objects with the caller's Decrypt on the key, only via S3 in the key's region.
  const decrypt =
    dataKey === undefined
      ? []
      : [`Allow kms:Decrypt on ${dataKey} if ${JSON.stringify({ StringEquals: { 'kms:ViaService': `s3.${dataKey.split(':')[3]}.amazonaws.com` } })}`];
  const tableRead = [...glue(['GetDatabase', 'GetTable', 'GetPartition', 'GetPartitions', 'BatchGetPartition']), defaultDatabase, ...flowLogs, ...decrypt];
  const discovery = `Allow s3:ListBucket on arn:\${AWS::Partition}:s3:::${bucket} if ${JSON.stringify({ StringLike: { 's3:prefix': [`${prefix}AWSLogs/`, `${prefix}AWSLogs/*`] } })}`;
  const results = [
    ...['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'].map((a) => `Allow ${a} on \${QueryResultsBucket.Arn}`),
    ...['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'].map(
      (a) => `Allow ${a} on \${QueryResultsBucket.Arn}/results/*`,
    ),
  ];
  const access: Record<string, string[]> = {
    listQueries: [],
    runQueryHttp: [...athena(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults']), ...tableRead, ...results],
    getExecution: [...athena(['GetQueryExecution', 'GetQueryResults']), 'Allow s3:GetObject on ${QueryResultsBucket.Arn}/results/*'],
    runQuery: [...athena(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults', 'StopQueryExecution']), ...tableRead, ...results],
    // The backfill on create adds partitions, discovering the accounts and regions.
    createTable: [...glue(['GetDatabase', 'CreateDatabase', 'GetTable', 'CreateTable', 'UpdateTable', 'GetPartitions', 'BatchCreatePartition']), discovery],
    // A failed asynchronous invocation goes to the dead-letter queue with the function's role.
    addPartitions: [...glue(['BatchCreatePartition', 'BatchGetPartition']), discovery, 'Allow sqs:SendMessage on ${AddPartitionsDeadLetterQueue.Arn}'],
    // ListBucket on its own bucket so that a missing key is a 404 (GetObject carries no s3:prefix).
    report: [
      ...athena(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults', 'StopQueryExecution']),
      ...tableRead,
      ...results,
      'Allow s3:ListBucket on ${ReportsBucket.Arn}',
      ...['s3:GetObject', 's3:PutObject', 's3:DeleteObject'].map((a) => `Allow ${a} on \${ReportsBucket.Arn}/reports/*`),
      // The event of a day that changed, on the default bus; the summary on the topic, when one is set.
      'Allow events:PutEvents on arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default',
      ...(bucket === 'corp-flow-logs' ? [`Allow sns:Publish on ${TOPIC}`] : []),
    ],
  };
  if (access[fn] === undefined) throw new Error(`no expected access for function ${fn}: write it down in this test`);
  return [...logs, ...access[fn]].sort();
}

describe.each([
  ['defaults', 'flowq-flow-logs-example', '', undefined],
  ['options', 'corp-flow-logs', 'vpc/', DATA_KEY],
] as const)('the template packaged with the %s', (which, bucket, prefix, dataKey) => {
  test('gives every function a role of its own, used by no other', () => {
    const roles = functionRoles(packaged[which].template);

    expect(roles.length).toBeGreaterThanOrEqual(6);
    expect(roles.every((r) => r.type === 'AWS::IAM::Role')).toBe(true);
    expect(new Set(roles.map((r) => r.role)).size).toBe(roles.length);
    expect(
      ofType(packaged[which].template, 'AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual(roles.map((r) => r.role).sort());
  });

  test('grants each function exactly the calls it makes, on exact resources', () => {
    const roles = functionRoles(packaged[which].template);

    const actual = Object.fromEntries(roles.map((r) => [r.name, grants(r.statements)]));

    expect(actual).toEqual(Object.fromEntries(roles.map((r) => [r.name, expectedGrants(r.name, bucket, prefix, dataKey)])));
  });

  test('grants no wildcard action, no resource "*", and reads flow logs only under the vpcflowlogs keys', () => {
    const all = functionRoles(packaged[which].template).flatMap((r) => grants(r.statements));
    const dataBucket = `arn:\${AWS::Partition}:s3:::${bucket}`;

    expect(all.filter((g) => /^Allow [a-z0-9]+:[A-Za-z]*\*/.test(g) || / on \*( |$)/.test(g))).toEqual([]);
    expect(
      all.filter((g) => g.startsWith('Allow s3:GetObject on ' + dataBucket)).every((g) => g.includes(`/${prefix}AWSLogs/`) && g.includes('vpcflowlogs/*')),
    ).toBe(true);
    expect(all.filter((g) => g.startsWith('Allow s3:ListBucket on ' + dataBucket)).every((g) => g.includes('"s3:prefix"'))).toBe(true);
    expect(all.filter((g) => /^Allow s3:(Put|Delete|Abort)/.test(g) && g.includes(dataBucket))).toEqual([]);
  });

  test('keeps every bucket private, encrypted and TLS-only, and retains the results and reports buckets', () => {
    const template = packaged[which].template;
    const buckets = ofType(template, 'AWS::S3::Bucket');
    const policies = ofType(template, 'AWS::S3::BucketPolicy').map(([, p]) => p.Properties);

    for (const [id, bucketResource] of buckets) {
      const p = bucketResource.Properties;
      expect([id, p.PublicAccessBlockConfiguration]).toEqual([
        id,
        { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      ]);
      expect([id, p.BucketEncryption]).toEqual([id, { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] }]);
      const denials = policies
        .filter((policy) => show(policy.Bucket) === `\${${id}}`)
        .flatMap((policy) => (policy.PolicyDocument as { Statement: Statement[] }).Statement)
        .filter((s) => s.Effect === 'Deny' && String((s.Condition?.Bool as Json | undefined)?.['aws:SecureTransport']) === 'false' && s.Action === 's3:*');
      expect([id, denials.flatMap((s) => list(s.Resource).map(show)).sort()]).toEqual([id, [`\${${id}.Arn}`, `\${${id}.Arn}/*`]]);
    }
    const kept = buckets.filter(([, b]) => b.DeletionPolicy === 'Retain' && b.UpdateReplacePolicy === 'Retain').map(([id]) => id);
    expect(kept.sort()).toEqual(['QueryResultsBucket', 'ReportsBucket']);
  });

  test('never rewrites a bucket notification configuration', () => {
    const types = Object.values(packaged[which].template.Resources).map((r) => r.Type);
    const permissions = ofType(packaged[which].template, 'AWS::Lambda::Permission').map(([, p]) => p.Properties.Principal);

    expect(types.filter((t) => t.startsWith('Custom::') && t !== 'Custom::FlowLogsTable')).toEqual([]);
    expect(permissions).not.toContain('s3.amazonaws.com');
  });

  test('throttles the API stage', () => {
    const [[, stage]] = ofType(packaged[which].template, 'AWS::ApiGatewayV2::Stage');

    expect(stage.Properties.DefaultRouteSettings).toEqual(
      which === 'defaults' ? { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 5 } : { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 9 },
    );
  });

  test('logs every API request as one JSON line, with the caller, to a log group of the stack kept 30 days', () => {
    const template = packaged[which].template;
    const [[, stage]] = ofType(template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const group = template.Resources[(settings.DestinationArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]];

    expect(JSON.parse(settings.Format)).toEqual({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      route: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationLatencyMs: '$context.integrationLatency',
      // SigV4: the IAM caller's ARN; JWT: the token's subject.
      caller: which === 'defaults' ? '$context.identity.userArn' : '$context.authorizer.claims.sub',
      sourceIp: '$context.identity.sourceIp',
    });
    expect([group.Type, group.Properties.RetentionInDays]).toEqual(['AWS::Logs::LogGroup', 30]);
  });

  test("alarms when the workgroup scans more than the day's budget, notifying the topic when one is given", () => {
    const alarms = ofType(packaged[which].template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

    expect(alarms.filter((a) => a.Namespace === 'AWS/Athena')).toEqual([
      {
        AlarmDescription: `flowq flowq-dev: Athena scanned more than ${which === 'defaults' ? 100 : 20} GiB in a day`,
        Namespace: 'AWS/Athena',
        MetricName: 'ProcessedBytes',
        Dimensions: [{ Name: 'WorkGroup', Value: { Ref: 'AthenaWorkGroup' } }],
        Statistic: 'Sum',
        Period: 86_400,
        EvaluationPeriods: 1,
        Threshold: (which === 'defaults' ? 100 : 20) * GIB,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...(which === 'options' && { AlarmActions: [ALARM_TOPIC] }),
      },
    ]);
    expect(packaged[which].template.Resources.AthenaWorkGroup.Properties.WorkGroupConfiguration).toMatchObject({ PublishCloudWatchMetricsEnabled: true });
  });

  test('alarms when a partition run or event lands in the dead-letter queue, notifying the same topic', () => {
    const alarms = ofType(packaged[which].template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

    expect(alarms.filter((a) => a.Namespace !== 'AWS/Athena')).toEqual([
      {
        AlarmDescription: 'flowq flowq-dev: a partition run or event failed; its message waits in the dead-letter queue',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['AddPartitionsDeadLetterQueue', 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        ...(which === 'options' && { AlarmActions: [ALARM_TOPIC] }),
      },
    ]);
  });

  test('reserves concurrency for the HTTP query function only', () => {
    const reserved = ofType(packaged[which].template, 'AWS::Lambda::Function')
      .filter(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id, f]) => [id, f.Properties.ReservedConcurrentExecutions]);

    expect(reserved).toEqual([['RunQueryHttpLambdaFunction', which === 'defaults' ? 5 : 3]]);
  });

  test("the schedule adds yesterday's, today's and tomorrow's partitions, with the time of its run", () => {
    const [rule] = ofType(packaged[which].template, 'AWS::Events::Rule').filter(
      ([, r]) => show((r.Properties.Targets as { Arn: unknown }[])[0].Arn).includes('AddPartitions') && r.Properties.ScheduleExpression !== undefined,
    );
    const [target] = rule[1].Properties.Targets as { InputTransformer: { InputPathsMap: Json; InputTemplate: string } }[];
    // EventBridge puts a string value into a JSON template as a JSON string.
    const input = JSON.parse(target.InputTransformer.InputTemplate.replace('<time>', JSON.stringify('2026-11-27T12:00:00Z'))) as {
      time: string;
      daysBefore: number;
      daysAfter: number;
    };

    expect(target.InputTransformer.InputPathsMap).toEqual({ time: '$.time' });
    expect(input).toEqual({ time: '2026-11-27T12:00:00Z', daysBefore: 1, daysAfter: 1 });
    expect(scheduleRange(Date.parse(input.time) / 1000, input)).toEqual({ from: Date.UTC(2026, 10, 26) / 1000, to: Date.UTC(2026, 10, 29) / 1000 });
  });

  test('the table resource carries the digest of the table definition the functions will write, and the backfill days', () => {
    const template = packaged[which].template;
    const [[, table]] = ofType(template, 'Custom::FlowLogsTable');
    const env = (template.Resources.CreateTableLambdaFunction.Properties.Environment as { Variables: Record<string, string> }).Variables;

    const definition = tableInput(loadCatalogSettings(env)());

    expect(table.Properties.TableDigest).toBe(createHash('sha256').update(JSON.stringify(definition)).digest('hex'));
    expect(table.Properties.BackfillDays).toBe(which === 'defaults' ? 7 : 2);
  });

  test("sends addPartitions' failed asynchronous invocations to an encrypted dead-letter queue of the stack", () => {
    const template = packaged[which].template;
    const configs = ofType(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) => [show(c.Properties.FunctionName), c.Properties.DestinationConfig]);
    const queue = template.Resources.AddPartitionsDeadLetterQueue;

    expect(configs).toEqual([['${AddPartitionsLambdaFunction}', { OnFailure: { Destination: { 'Fn::GetAtt': ['AddPartitionsDeadLetterQueue', 'Arn'] } } }]]);
    expect([queue.Type, queue.Properties]).toEqual(['AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true }]);
  });
});

test('cfn-lint finds no error in either template', async () => {
  const files = Object.values(packaged).map((p) => join(p.dir, 'cloudformation-template-update-stack.json'));

  const { stdout } = await run('cfn-lint', ['--format', 'json', ...files], { maxBuffer: 1 << 24 }).catch((e: { stdout: string; code: unknown }) => {
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; anything else is a crash.
    if (typeof e.code !== 'number' || (e.code & ~(2 | 4 | 8)) !== 0) throw e;
    return e;
  });
  const findings = JSON.parse(stdout) as { Level: string; Rule: { Id: string }; Message: string; Filename: string }[];

  expect(findings.filter((m) => m.Level === 'Error').map((m) => `${m.Filename}: ${m.Rule.Id} ${m.Message}`)).toEqual([]);
});

describe('with the defaults', () => {
  const template = () => packaged.defaults.template;

  test('every route needs a SigV4 signature (AWS_IAM)', () => {
    const routes = ofType(template(), 'AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties.AuthorizationType]);

    expect(routes).toEqual([
      ['GET /queries', 'AWS_IAM'],
      ['POST /queries/{name}', 'AWS_IAM'],
      ['GET /executions/{id}', 'AWS_IAM'],
    ]);
    expect(ofType(template(), 'AWS::ApiGatewayV2::Authorizer')).toEqual([]);
  });

  test('the API has no CORS configuration', () => {
    const [[, api]] = ofType(template(), 'AWS::ApiGatewayV2::Api');

    expect(api.Properties).not.toHaveProperty('CorsConfiguration');
  });

  test('partitions come from the daily schedule only, and reports from theirs', () => {
    const rules = ofType(template(), 'AWS::Events::Rule').map(([, r]) => r.Properties);

    const triggers = rules.map((r) => [(r.Targets as { Arn: unknown }[]).map((t) => show(t.Arn)).join(), r.ScheduleExpression, r.EventPattern]);

    expect(triggers).toEqual([
      ['${AddPartitionsLambdaFunction.Arn}', 'cron(0 12 * * ? *)', undefined],
      ['${ReportLambdaFunction.Arn}', 'cron(15 1 * * ? *)', undefined],
    ]);
    expect(ofType(template(), 'AWS::SQS::QueuePolicy')).toEqual([]);
  });

  test('query roles may not decrypt with any KMS key', () => {
    const all = functionRoles(template()).flatMap((r) => grants(r.statements));

    expect(all.filter((g) => g.includes('kms:'))).toEqual([]);
  });
});

describe('with every option', () => {
  const template = () => packaged.options.template;

  test('every route needs a JWT from the configured issuer and audiences', () => {
    const authorizers = ofType(template(), 'AWS::ApiGatewayV2::Authorizer');
    const routes = ofType(template(), 'AWS::ApiGatewayV2::Route').map(([, r]) => [
      r.Properties.RouteKey,
      r.Properties.AuthorizationType,
      show(r.Properties.AuthorizerId),
    ]);

    expect(authorizers.map(([, a]) => [a.Properties.AuthorizerType, a.Properties.JwtConfiguration, a.Properties.IdentitySource])).toEqual([
      ['JWT', { Issuer: 'https://issuer.example.com/pool', Audience: ['client-a', 'client-b'] }, ['$request.header.Authorization']],
    ]);
    const id = `\${${authorizers[0][0]}}`;
    expect(routes).toEqual([
      ['GET /queries', 'JWT', id],
      ['POST /queries/{name}', 'JWT', id],
      ['GET /executions/{id}', 'JWT', id],
    ]);
  });

  test('the API answers preflights for the configured origins', () => {
    const [[, api]] = ofType(template(), 'AWS::ApiGatewayV2::Api');

    expect(api.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
    });
  });

  test('new flow-log files add partitions through an EventBridge rule on the bucket and the flow-log keys only, with a dead-letter queue', () => {
    const rules = ofType(template(), 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern !== undefined);
    const [[, rule]] = rules;
    const [target] = rule.Properties.Targets as { Arn: unknown; DeadLetterConfig: unknown; RetryPolicy: unknown }[];
    const [[, policy]] = ofType(template(), 'AWS::SQS::QueuePolicy');

    expect(rules).toHaveLength(1);
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['corp-flow-logs'] }, object: { key: [{ wildcard: 'vpc/AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*.log.parquet' }] } },
    });
    expect([show(target.Arn), target.DeadLetterConfig, target.RetryPolicy]).toEqual([
      '${AddPartitionsLambdaFunction.Arn}',
      { Arn: { 'Fn::GetAtt': ['AddPartitionsDeadLetterQueue', 'Arn'] } },
      { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
    ]);
    // Only this rule may send to the queue.
    expect(policy.Properties.Queues).toEqual([{ Ref: 'AddPartitionsDeadLetterQueue' }]);
    expect(
      (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((st) => [
        st.Effect,
        st.Action,
        show(st.Resource),
        show((st.Condition?.ArnEquals as Json)['aws:SourceArn']),
      ]),
    ).toEqual([
      [
        'Allow',
        'sqs:SendMessage',
        '${AddPartitionsDeadLetterQueue.Arn}',
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${String(rule.Properties.Name)}`,
      ],
    ]);
  });

  test("the rule's key pattern matches AWS's flow-log file names and not the other logs under AWSLogs/", () => {
    const [[, rule]] = ofType(template(), 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern !== undefined);
    const pattern = (rule.Properties.EventPattern as { detail: { object: { key: { wildcard: string }[] } } }).detail.object.key[0].wildcard;
    // EventBridge's wildcard: `*` stands for any run of characters, `/` included.
    const matcher = new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const name = {
      account: '111122223333',
      region: 'eu-west-1',
      flowLogId: 'fl-0123456789abcdef0',
      fileTime: Date.UTC(2026, 10, 27, 5, 55) / 1000,
      hash: 'a1b2c3d4',
    };

    const keys = {
      flowLog: `vpc/${objectKey({ hiveCompatiblePartitions: true, perHourPartition: false }, 'parquet', name)}`,
      flowLogPerHour: `vpc/${objectKey({ hiveCompatiblePartitions: true, perHourPartition: true }, 'parquet', name)}`,
      flowLogText: `vpc/${objectKey({ hiveCompatiblePartitions: true, perHourPartition: false }, 'plain-text', name)}`,
      plainLayout: `vpc/${objectKey({ hiveCompatiblePartitions: false, perHourPartition: false }, 'parquet', name)}`,
      elb: 'vpc/AWSLogs/aws-account-id=111122223333/aws-service=elasticloadbalancing/aws-region=eu-west-1/year=2026/month=11/day=27/x.log.parquet',
      resolver: 'vpc/AWSLogs/111122223333/vpcdnsquerylogs/vpc-0abc/2026/11/27/x.log.gz',
      otherPrefix: `logs/${objectKey({ hiveCompatiblePartitions: true, perHourPartition: false }, 'parquet', name)}`,
    };

    expect(keys.flowLog).toMatch(/_vpcflowlogs_eu-west-1_fl-0123456789abcdef0_20261127T0555Z_a1b2c3d4\.log\.parquet$/);
    expect(Object.fromEntries(Object.entries(keys).map(([what, key]) => [what, matcher.test(key)]))).toEqual({
      flowLog: true,
      flowLogPerHour: true,
      flowLogText: false,
      plainLayout: false,
      elb: false,
      resolver: false,
      otherPrefix: false,
    });
  });

  test("the table's digest differs from the defaults', whose table reads text rather than Parquet under another location", () => {
    const digest = (which: 'defaults' | 'options') => ofType(packaged[which].template, 'Custom::FlowLogsTable')[0][1].Properties.TableDigest;

    expect(digest('options')).toMatch(/^[0-9a-f]{64}$/);
    expect(digest('options')).not.toBe(digest('defaults'));
  });

  test('the normalised prefix and the projection start reach the functions and the table', () => {
    const functions = ofType(template(), 'AWS::Lambda::Function').map(([, f]) => (f.Properties.Environment as { Variables: Json }).Variables);
    const [[, table]] = ofType(template(), 'Custom::FlowLogsTable');

    expect(new Set(functions.map((v) => v.FLOWQ_LOCATION))).toEqual(new Set(['s3://corp-flow-logs/vpc/']));
    expect(functions.filter((v) => v.FLOWQ_FILE_FORMAT !== undefined).map((v) => [v.FLOWQ_FILE_FORMAT, v.FLOWQ_PROJECTION_START])).toEqual([
      ['parquet', '2024-06-01'],
      ['parquet', '2024-06-01'],
    ]);
    expect([table.Properties.Location, table.Properties.ProjectionStart, table.Properties.FileFormat]).toEqual([
      's3://corp-flow-logs/vpc/',
      '2024-06-01',
      'parquet',
    ]);
  });
});

describe('the Lambda zips', () => {
  let unzipped: string;
  const zips = () => readdirSync(packaged.defaults.dir).filter((f) => f.endsWith('.zip'));
  const handlerOf = (zip: string) => {
    const [, fn] =
      ofType(packaged.defaults.template, 'AWS::Lambda::Function').find(([, f]) => show((f.Properties.Code as Json).S3Key).endsWith(`/${zip}`)) ?? [];
    if (fn === undefined) throw new Error(`no function is packaged in ${zip}`);
    return String(fn.Properties.Handler).replace(/\.handler$/, '.mjs');
  };

  beforeAll(async () => {
    unzipped = join(work, 'unzipped');
    for (const zip of zips()) {
      mkdirSync(join(unzipped, zip), { recursive: true });
      await run('unzip', ['-q', join(packaged.defaults.dir, zip), '-d', join(unzipped, zip)]);
    }
  });

  test('are one per function, within their budgets', () => {
    const sizes = Object.fromEntries(zips().map((z) => [z.replace(/\.zip$/, ''), statSync(join(packaged.defaults.dir, z)).size]));
    const budget = (name: string) => (name === 'listQueries' ? 100 * KB : /^(runQuery|getExecution)/.test(name) ? 250 * KB : 400 * KB);

    expect(Object.keys(sizes).sort()).toEqual(
      functionRoles(packaged.defaults.template)
        .map((r) => r.name)
        .sort(),
    );
    expect(Object.entries(sizes).filter(([name, size]) => size > budget(name))).toEqual([]);
  });

  test('hold only their own bundle and chunks: no node_modules, no DuckDB', () => {
    for (const zip of zips()) {
      const files = readdirSync(join(unzipped, zip), { recursive: true })
        .map(String)
        .filter((f) => statSync(join(unzipped, zip, f)).isFile());
      const stem = handlerOf(zip).replace(/\.mjs$/, '');

      expect([zip, files.filter((f) => !f.startsWith(`${stem}.`) && f !== 'handlers/run-query.cjs')]).toEqual([zip, []]);
      expect([zip, files.filter((f) => /node_modules|duckdb/i.test(f))]).toEqual([zip, []]);
    }
  });

  /** Static imports of a bundle file: `import{a}from"x"` and `import"x"`, never `import("x")`. */
  function staticImports(code: string): string[] {
    return [...code.matchAll(/(?:^|[;\s})])import\s*(?:[\w$*{}\s,]+?from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
  }

  /** The files a bundle loads at import (its static imports, followed), and the packages they name. */
  function coldStart(dir: string, entry: string): { files: string[]; packages: Set<string> } {
    const files: string[] = [];
    const packages = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.shift() as string;
      if (files.includes(file)) continue;
      files.push(file);
      for (const spec of staticImports(readFileSync(join(dir, file), 'utf8'))) {
        if (spec.startsWith('.')) queue.push(join(dirname(file), spec));
        else packages.add(spec);
      }
    }
    return { files, packages };
  }

  test('load at cold start nothing but their own files and Node built-ins; only the local engine chunk names DuckDB', () => {
    for (const zip of zips()) {
      const dir = join(unzipped, zip);
      const { packages } = coldStart(dir, handlerOf(zip));
      const importers = readdirSync(join(dir, 'handlers'))
        .filter((f) => f.endsWith('.mjs') && staticImports(readFileSync(join(dir, 'handlers', f), 'utf8')).includes('@duckdb/node-api'))
        .map((f) => f.replace(/-[A-Z0-9]{8}\.mjs$/, '').replace(/^[\w-]+\./, ''));

      expect([zip, [...packages].filter((p) => !p.startsWith('node:') && !builtinModules.includes(p))]).toEqual([zip, []]);
      // The local engine's chunk is named for its entry, src/engines/local/engine.ts.
      expect([zip, importers.filter((i) => i !== 'engine')]).toEqual([zip, []]);
    }
  });

  test('load no AWS SDK at cold start: every client is made, and its package imported, on first use', () => {
    for (const zip of zips()) {
      const dir = join(unzipped, zip);
      const { files } = coldStart(dir, handlerOf(zip));

      // The SDK's user agent names it (see the next test): no file loaded at import may hold it.
      expect([zip, files.filter((f) => readFileSync(join(dir, f), 'utf8').includes('aws-sdk-js'))]).toEqual([zip, []]);
    }
  });

  /** Every file of a zip's bundle, as one text. */
  const textOf = (zip: string) =>
    readdirSync(join(unzipped, zip, 'handlers'))
      .map((f) => readFileSync(join(unzipped, zip, 'handlers', f), 'utf8'))
      .join('\n');

  test('listQueries carries no AWS SDK', () => {
    // The SDK's user agent names it; the query path's zip shows the marker is a real one.
    expect([textOf('runQuery.zip').includes('aws-sdk-js'), textOf('listQueries.zip').includes('aws-sdk-js')]).toEqual([true, false]);
  });

  test('the functions that list and run queries carry every template file under queries/', () => {
    // A template's description line is its own, and a bundle holds it as written whatever the string's quotes.
    const descriptions = readdirSync(join(ROOT, 'queries'))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(join(ROOT, 'queries', f), 'utf8').split('\n')[1]);

    expect(descriptions.every((line) => line.startsWith('-- @description '))).toBe(true);
    for (const zip of ['listQueries.zip', 'runQuery.zip']) {
      expect([zip, descriptions.filter((line) => !textOf(zip).includes(line))]).toEqual([zip, []]);
    }
  });

  test('each loads and exports its handler in a folder with no node_modules, as in Lambda', async () => {
    for (const zip of zips()) {
      const script = `const m = await import(${JSON.stringify(`./${handlerOf(zip)}`)}); console.log(typeof m.handler);`;

      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(unzipped, zip),
        env: {
          PATH: process.env.PATH,
          ...(
            ofType(packaged.defaults.template, 'AWS::Lambda::Function').find(
              ([, f]) => String(f.Properties.Handler).replace(/\.handler$/, '.mjs') === handlerOf(zip),
            )?.[1].Properties.Environment as { Variables: Record<string, string> }
          ).Variables,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });

      expect([zip, stdout.trim()]).toEqual([zip, 'function']);
    }
  });
});

describe('a bad deploy parameter', () => {
  test.each([
    ['dataBucket=Flow_Logs', "param dataBucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), not 'Flow_Logs'"],
    ['resultReuseMinutes=20000', "param resultReuseMinutes must be a whole number from 0 to 10080, not '20000'"],
  ])('%s stops packaging with one line naming it', async (param, message) => {
    const failure = await run('npm', ['run', 'package', '--silent', '--', '--package', join(work, 'out-refused'), `--param=${param}`], {
      cwd: work,
      env: ENV,
    }).then(
      () => undefined,
      (e: { stdout: string; stderr: string }) => `${e.stdout}\n${e.stderr}`,
    );

    expect(failure?.split('\n').filter((line) => line.trim() !== '')).toEqual([`Error: ${message}`]);
  });
});
