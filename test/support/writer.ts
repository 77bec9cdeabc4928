import { DEFAULT_LOG_FORMAT } from '../../src/flowlog/format.js';
import { FlowLogWriter } from '../../src/sample/writer.js';

/** A writer of flow-log files as AWS writes them by default: the default format, gzip text, daily partitions. */
export function defaultWriter(location: string): FlowLogWriter {
  return new FlowLogWriter({ location, logFormat: DEFAULT_LOG_FORMAT, fileFormat: 'plain-text', hiveCompatiblePartitions: false, perHourPartition: false });
}
