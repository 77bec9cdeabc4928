import { DEFAULT_LOG_FORMAT } from '../../src/flowlog/format.js';
import { renderQuery } from '../../src/queries/render.js';
test('x', () => {
  const r = renderQuery('top-talkers', { start: '2026-11-26', end: '2026-11-27', interface_id: 'eni-0123456789abcdef0' }, { table: 'flow_logs', layout: { hiveCompatiblePartitions: false, perHourPartition: false }, logFormat: DEFAULT_LOG_FORMAT, lateMarginSeconds: 600 });
  console.log(r.sql, r.values, r.executionParameters, r.params);
});
