import { reportAccess } from '../../src/deploy/access.js';
import { readStackSettings, type StackParams } from '../../src/deploy/params.js';
import { createHash } from 'node:crypto';
import { tableInput } from '../../src/catalog/model.js';
import { makeCatalogSettings } from '../../src/catalog/settings.js';
import { planStack } from '../../src/deploy/stack.js';
import { InvalidConfiguration } from '../../src/errors.js';

/** serverless.yml's params.default, as the framework hands them over. */
const DEFAULTS: StackParams = {
  database: 'flowq',
  table: 'flow_logs',
  dataBucket: 'flowq-flow-logs-example',
  dataPrefix: '',
  logFormat: '',
  hive: 'false',
  perHour: 'false',
  fileFormat: 'plain-text',
  partitionMode: 'managed',
  accounts: '',
  regions: '',
  projectionStart: '2020-01-01',
  objectCreatedEvents: 'false',
  bytesScannedCutoff: '10737418240',
  resultReuseMinutes: '60',
  syncBudgetMs: '20000',
  maxRangeDays: '31',
  lateMarginMinutes: '10',
  authorizer: 'iam',
  jwtIssuerUrl: '',
  jwtAudience: '',
  corsOrigins: '',
  throttleRate: '2',
  throttleBurst: '5',
  queryConcurrency: '5',
  dailyScanAlarmGiB: '100',
  alarmTopicArn: '',
  dataKmsKeyArn: '',
  backfillDays: '7',
  reportsPrefix: 'reports/',
  reportKmsKeyId: '',
  reportTemplates: '',
  reportConcurrency: '3',
};
const CONTEXT = { service: 'flowq', stage: 'dev' };

function settingsWith(params: StackParams) {
  return readStackSettings({ ...DEFAULTS, ...params }, CONTEXT);
}

describe('the data prefix', () => {
  test.each([
    ['', ''],
    ['vpc', 'vpc/'],
    ['vpc/', 'vpc/'],
    ['/vpc/logs', 'vpc/logs/'],
    ['  org-1/vpc_2.x  ', 'org-1/vpc_2.x/'],
  ])('%j is read as the folder %j', (given, folder) => {
    expect(settingsWith({ dataPrefix: given }).queryEnvironment.FLOWQ_LOCATION).toBe(`s3://flowq-flow-logs-example/${folder}`);
  });

  test.each(['vpc//logs', 'a b', 'logs/*', 'x=1/'])('%j is refused, naming the param', (given) => {
    expect(() => settingsWith({ dataPrefix: given })).toThrow(
      new InvalidConfiguration(`param dataPrefix must be folder names of letters, digits, '.', '_' and '-' separated by '/', not '${given}'`),
    );
  });
});

describe('the deploy parameters', () => {
  test('build the environment every function reads, with the location ending in /', () => {
    const settings = settingsWith({ dataPrefix: 'vpc', projectionStart: '2024-06-01', corsOrigins: ' https://a.example.com , http://localhost:3000 ' });

    expect(settings.queryEnvironment).toEqual({
      FLOWQ_DATABASE: 'flowq',
      FLOWQ_TABLE: 'flow_logs',
      FLOWQ_LOCATION: 's3://flowq-flow-logs-example/vpc/',
      FLOWQ_LOG_FORMAT: '',
      FLOWQ_HIVE_PARTITIONS: 'false',
      FLOWQ_PER_HOUR: 'false',
      FLOWQ_WORKGROUP: 'flowq-dev',
      FLOWQ_RESULT_REUSE_MINUTES: '60',
      FLOWQ_SYNC_BUDGET_MS: '20000',
      FLOWQ_MAX_RANGE_DAYS: '31',
      FLOWQ_LATE_MARGIN_SECONDS: '600',
      FLOWQ_CORS_ORIGINS: 'https://a.example.com,http://localhost:3000',
    });
    expect(settings.catalogEnvironment).toMatchObject({
      FLOWQ_LOCATION: 's3://flowq-flow-logs-example/vpc/',
      FLOWQ_FILE_FORMAT: 'plain-text',
      FLOWQ_PROJECTION_START: '2024-06-01',
    });
  });

  test.each<[StackParams, string]>([
    [{ dataBucket: 'Flow_Logs' }, "param dataBucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), not 'Flow_Logs'"],
    [{ dataBucket: '10.0.0.1' }, "param dataBucket must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), not '10.0.0.1'"],
    [{ database: 'Flow-Q' }, "database name 'Flow-Q' must match ^[a-z0-9_]{1,255}$"],
    [{ logFormat: '${version} ${nope}' }, 'nope'],
    [{ hive: 'yes' }, "param hive must be true or false, not 'yes'"],
    [{ fileFormat: 'csv' }, "param fileFormat must be one of plain-text, parquet, not 'csv'"],
    [{ partitionMode: 'projection' }, 'partition projection enumerates accounts and regions: set param accounts and param regions (comma-separated)'],
    [{ accounts: '1234' }, "param accounts: '1234' is not a 12-digit account id"],
    [{ projectionStart: '2024-13-40' }, "param projectionStart: '2024-13-40' is not a date (YYYY-MM-DD)"],
    [{ resultReuseMinutes: '20000' }, "param resultReuseMinutes must be a whole number from 0 to 10080, not '20000'"],
    [{ syncBudgetMs: '29000' }, "param syncBudgetMs must stay below API Gateway's 30 s (at most 28000), not 29000"],
    [{ lateMarginMinutes: '61' }, "param lateMarginMinutes must be a whole number from 0 to 60, not '61'"],
    [{ maxRangeDays: '0' }, "param maxRangeDays must be a whole number >= 1, not '0'"],
    [{ bytesScannedCutoff: '1000' }, "param bytesScannedCutoff must be a whole number from 10000000 to 9007199254740991, not '1000'"],
    [{ corsOrigins: 'https://ok.example.com,ftp://files' }, "param corsOrigins: 'ftp://files' is not an origin such as https://app.example.com"],
    [{ authorizer: 'cognito' }, "param authorizer must be one of iam, jwt, not 'cognito'"],
    [{ authorizer: 'jwt' }, "param jwtIssuerUrl must be the token issuer's https:// URL, not ''"],
    [{ authorizer: 'jwt', jwtIssuerUrl: 'https://issuer.example.com' }, 'param jwtAudience must list the accepted audiences (client ids), comma-separated'],
    [{ throttleRate: '0' }, "param throttleRate must be a whole number from 1 to 10000, not '0'"],
    [{ objectCreatedEvents: 'sometimes' }, "param objectCreatedEvents must be one of true, false, not 'sometimes'"],
    [{ reportKmsKeyId: 'alias/reports' }, "param reportKmsKeyId must be a KMS key id or key ARN, not 'alias/reports'"],
    [{ reportTemplates: '[{"query": ' }, 'param reportTemplates: is not valid JSON'],
    [{ reportTemplates: '[{"name": "top-talkers", "params": {"limit": 5000}}]' }, 'param reportTemplates: entry 0 (top-talkers): limit'],
    [{ reportConcurrency: '0' }, "param reportConcurrency must be a whole number >= 1, not '0'"],
    [{ dataKmsKeyArn: 'alias/flow-logs' }, "param dataKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not 'alias/flow-logs'"],
    [{ dataKmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' }, 'param dataKmsKeyArn must be a KMS key ARN'],
    [{ alarmTopicArn: 'flowq-spend' }, "param alarmTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), not 'flowq-spend'"],
    [{ dailyScanAlarmGiB: '0' }, "param dailyScanAlarmGiB must be a whole number from 1 to 1000000, not '0'"],
    [{ queryConcurrency: '' }, "param queryConcurrency must be a whole number from 1 to 1000, not ''"],
    [{ backfillDays: '400' }, "param backfillDays must be a whole number from 0 to 366, not '400'"],
    [{ notifyTopicArn: 'arn:aws:sqs:us-east-1:111122223333:q' }, 'param notifyTopicArn must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)'],
    [{ internalCidrs: '10.0.0.0/8,10.0.0.0/33' }, "param internalCidrs: internal_cidrs: item 2: '/33' is not a prefix length"],
  ])('%j is refused with one line naming what to fix', (params, message) => {
    let error: unknown;
    try {
      settingsWith(params);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(InvalidConfiguration);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('the report function', () => {
  test("gets the query functions' variables, the reports bucket and prefix, and its options", () => {
    const plan = planStack(
      { ...DEFAULTS, reportsPrefix: 'daily', reportKmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab', reportTemplates: '[{"name":"top-talkers"}]' },
      CONTEXT,
    );

    expect(plan.environment.report).toEqual({
      FLOWQ_WORKGROUP: 'flowq-dev',
      FLOWQ_RESULT_REUSE_MINUTES: '60',
      FLOWQ_SYNC_BUDGET_MS: '20000',
      FLOWQ_MAX_RANGE_DAYS: '31',
      FLOWQ_LATE_MARGIN_SECONDS: '600',
      FLOWQ_CORS_ORIGINS: '',
      FLOWQ_REPORT_BUCKET: { Ref: 'ReportsBucket' },
      FLOWQ_REPORT_PREFIX: 'daily/',
      FLOWQ_REPORT_KMS_KEY_ID: '1234abcd-12ab-34cd-56ef-1234567890ab',
      FLOWQ_REPORT_TEMPLATES: '[{"name":"top-talkers"}]',
      FLOWQ_REPORT_CONCURRENCY: '3',
      FLOWQ_NOTIFY_TOPIC_ARN: '',
      FLOWQ_INTERNAL_CIDRS: '',
    });
    expect(plan.environment.shared).toMatchObject({ FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs', FLOWQ_LOCATION: 's3://flowq-flow-logs-example/' });
  });

  test('may put events on the default bus, and publish to the notification topic only when one is given', () => {
    const grants = (notifyTopicArn: string) =>
      reportAccess(settingsWith({ notifyTopicArn })).filter((s) => s.Action.some((a) => a.startsWith('events:') || a.startsWith('sns:')));
    const bus = {
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default']] },
      ],
    };
    const topic = 'arn:aws:sns:eu-west-1:111122223333:flowq-changes';

    expect([grants(''), grants(topic)]).toEqual([[bus], [bus, { Effect: 'Allow', Action: ['sns:Publish'], Resource: [topic] }]]);
  });

  test('may use the KMS key it is given, by id or by ARN, and no other', () => {
    const kms = (reportKmsKeyId: string) => reportAccess(settingsWith({ reportKmsKeyId })).filter((s) => s.Action.some((a) => a.startsWith('kms:')));

    expect([kms(''), kms('1234abcd-12ab-34cd-56ef-1234567890ab'), kms('arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')]).toEqual([
      [],
      [
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: [
            {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':kms:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':key/1234abcd-12ab-34cd-56ef-1234567890ab',
                ],
              ],
            },
          ],
        },
      ],
      [
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: ['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        },
      ],
    ]);
  });
});

describe('the table digest', () => {
  const digestWith = (params: StackParams) => planStack({ ...DEFAULTS, ...params }, CONTEXT).tableDigest;

  test('is the SHA-256 of the Glue table definition the catalog functions build from the same settings', () => {
    const definition = tableInput(makeCatalogSettings({ database: 'flowq', table: 'flow_logs', location: 's3://flowq-flow-logs-example/' }));

    expect(digestWith({})).toBe(createHash('sha256').update(JSON.stringify(definition)).digest('hex'));
  });

  test('changes with the columns, the SerDe, the location or the projection, and with nothing else', () => {
    const base = digestWith({});

    const changed = [
      digestWith({
        logFormat:
          '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id}',
      }),
      digestWith({ fileFormat: 'parquet' }),
      digestWith({ partitionMode: 'projection', accounts: '111122223333', regions: 'us-east-1' }),
      digestWith({ dataPrefix: 'vpc' }),
    ];
    // The Hive layout changes where partitions point, not the table.
    const same = [
      digestWith({ throttleRate: '9' }),
      digestWith({ hive: 'true' }),
      digestWith({ backfillDays: '1' }),
      digestWith({ dataKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k-1' }),
    ];

    expect(new Set([base, ...changed]).size).toBe(5);
    expect(same).toEqual([base, base, base, base]);
  });
});

describe('the flow-log files rule', () => {
  test('matches the vpcflowlogs keys of the layout and file format the table reads, under the prefix', () => {
    const pattern = (params: StackParams) => {
      const [, rule] = planStack({ ...DEFAULTS, objectCreatedEvents: 'true', ...params }, CONTEXT).addPartitionsEvents as {
        eventBridge: { pattern: { detail: { object: { key: unknown } } } };
      }[];
      return rule.eventBridge.pattern.detail.object.key;
    };

    expect([pattern({}), pattern({ dataPrefix: 'vpc', fileFormat: 'parquet' }), pattern({ hive: 'true' })]).toEqual([
      [{ wildcard: 'AWSLogs/*/vpcflowlogs/*.log.gz' }],
      [{ wildcard: 'vpc/AWSLogs/*/vpcflowlogs/*.log.parquet' }],
      [{ wildcard: 'AWSLogs/aws-account-id=*/aws-service=vpcflowlogs/*.log.gz' }],
    ]);
  });

  test('refuses a stage name that makes the rule name longer than EventBridge allows, naming it', () => {
    const stage = 'feature-'.padEnd(50, 'x');

    expect(() => planStack({ ...DEFAULTS, objectCreatedEvents: 'true' }, { service: 'flowq', stage })).toThrow(
      new InvalidConfiguration(`the stage name '${stage}' is too long for the rule flowq-${stage}-flow-log-files (at most 64 characters)`),
    );
    expect(() => planStack(DEFAULTS, { service: 'flowq', stage })).not.toThrow();
  });
});
