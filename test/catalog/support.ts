import type { Context } from 'aws-lambda';
import type { Layout } from '../../src/flowlog/layout.js';
import { makeCatalogSettings, type CatalogOptions, type CatalogSettings } from '../../src/catalog/settings.js';

/** The four S3 key layouts, named the way test titles read. */
export const LAYOUTS: ReadonlyArray<readonly [string, Layout]> = [
  ['plain daily', { hiveCompatiblePartitions: false, perHourPartition: false }],
  ['plain per-hour', { hiveCompatiblePartitions: false, perHourPartition: true }],
  ['Hive daily', { hiveCompatiblePartitions: true, perHourPartition: false }],
  ['Hive per-hour', { hiveCompatiblePartitions: true, perHourPartition: true }],
];

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';

/** Settings for a table over `s3://flow-logs-bucket/org/`, with overrides. */
export function settingsFor(options: CatalogOptions = {}): CatalogSettings {
  return makeCatalogSettings({
    database: 'flowq',
    table: 'flow_logs',
    location: 's3://flow-logs-bucket/org/',
    ...options,
  });
}

/** A Glue service error the way the SDK throws it. */
export function awsError(name: string, message = `${name} from the mock`, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

/** An EventBridge schedule's event as a scheduled Lambda receives it, fired at `time`. */
export function scheduledEvent(time: string) {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '111122223333',
    time,
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

/** A Lambda context as the catalog handlers receive it. */
export function lambdaContext(functionName: string, remainingMs = 300_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
