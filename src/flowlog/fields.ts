/** The Athena (Hive DDL) type of a flow-log column. */
export type AthenaType = 'int' | 'bigint' | 'string';

/** The Parquet physical type AWS writes for a flow-log column. */
export type ParquetType = 'INT32' | 'INT64' | 'BYTE_ARRAY';

/** One documented flow-log field. */
export interface FlowLogField {
  /** The name in a format string: `interface-id`. */
  readonly name: string;
  /** The flow-log version that introduced the field. */
  readonly version: number;
  /** The Athena / Parquet column name: `interface_id`. */
  readonly column: string;
  readonly athenaType: AthenaType;
  readonly parquetType: ParquetType;
}

const INT = new Set(['version', 'srcport', 'dstport', 'protocol', 'tcp-flags', 'traffic-path']);
const BIGINT = new Set(['packets', 'bytes', 'start', 'end']);

const BY_VERSION: ReadonlyArray<readonly [number, readonly string[]]> = [
  [
    2,
    [
      'version',
      'account-id',
      'interface-id',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
      'packets',
      'bytes',
      'start',
      'end',
      'action',
      'log-status',
    ],
  ],
  [3, ['vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr']],
  [4, ['region', 'az-id', 'sublocation-type', 'sublocation-id']],
  [5, ['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']],
  [
    7,
    [
      'ecs-cluster-arn',
      'ecs-cluster-name',
      'ecs-container-instance-arn',
      'ecs-container-instance-id',
      'ecs-container-id',
      'ecs-second-container-id',
      'ecs-service-name',
      'ecs-task-definition-arn',
      'ecs-task-arn',
      'ecs-task-id',
    ],
  ],
  [8, ['reject-reason']],
];

function describeField(name: string, version: number): FlowLogField {
  const athenaType: AthenaType = INT.has(name) ? 'int' : BIGINT.has(name) ? 'bigint' : 'string';
  const parquetType: ParquetType = athenaType === 'int' ? 'INT32' : athenaType === 'bigint' ? 'INT64' : 'BYTE_ARRAY';
  return { name, version, column: name.replaceAll('-', '_'), athenaType, parquetType };
}

/** Every documented field of flow-log versions 2 to 8, in documentation order. */
export const FIELDS: readonly FlowLogField[] = BY_VERSION.flatMap(([version, names]) => names.map((name) => describeField(name, version)));

/** Fields by their format-string name. */
export const FIELD_BY_NAME: ReadonlyMap<string, FlowLogField> = new Map(FIELDS.map((f) => [f.name, f]));

/** Fields by their column name. */
export const FIELD_BY_COLUMN: ReadonlyMap<string, FlowLogField> = new Map(FIELDS.map((f) => [f.column, f]));
