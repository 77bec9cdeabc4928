import { getTemplate } from '../../src/queries/templates.js';
import { chartFor, renderChartSvg, rowLabel } from '../../src/reports/chart.js';

const col = (name: string, type: string) => ({ name, type });

describe('charts', () => {
  it('draw the three rankings as bars and traffic over time as columns', () => {
    expect(chartFor('top-talkers', [col('srcaddr', 'varchar'), col('dstaddr', 'varchar'), col('bytes', 'bigint'), col('packets', 'bigint')])).toEqual({
      kind: 'bars',
      value: 'bytes',
      labels: ['srcaddr', 'dstaddr'],
    });
    expect(chartFor('rejected-ports', [col('dstport', 'integer'), col('protocol', 'integer'), col('flows', 'bigint'), col('bytes', 'bigint')])).toEqual({
      kind: 'bars',
      value: 'flows',
      labels: ['dstport', 'protocol'],
    });
    expect(chartFor('eni-bytes', [col('interface_id', 'varchar'), col('bytes', 'bigint')])).toEqual({ kind: 'bars', value: 'bytes', labels: ['interface_id'] });
    expect(chartFor('traffic-over-time', [col('bucket_start', 'bigint'), col('bytes', 'bigint'), col('packets', 'bigint')])).toEqual({
      kind: 'columns',
      value: 'bytes',
      labels: ['bucket_start'],
    });
  });

  it("follow each template's @chart header: traffic-over-time as columns, traffic-paths and aws-services as bars", () => {
    const published = (name: string) => getTemplate(name).columns;
    expect(chartFor('traffic-over-time', published('traffic-over-time'))).toEqual({ kind: 'columns', value: 'bytes', labels: ['bucket_start'] });
    expect(chartFor('traffic-paths', published('traffic-paths'))).toEqual({ kind: 'bars', value: 'bytes', labels: ['path', 'traffic_path'] });
    expect(chartFor('aws-services', published('aws-services'))).toEqual({ kind: 'bars', value: 'bytes', labels: ['service', 'direction'] });
  });

  it('fall back for any other template to the first bigint column, labelled by the text and int columns before it', () => {
    const columns = [
      col('service', 'varchar'),
      col('direction', 'varchar'),
      col('path', 'integer'),
      col('share', 'double'),
      col('bytes', 'bigint'),
      col('flows', 'bigint'),
    ];
    expect(chartFor('not-a-template', columns)).toEqual({ kind: 'bars', value: 'bytes', labels: ['service', 'direction', 'path'] });
    expect(chartFor('eni-bytes', [col('label', 'varchar'), col('total', 'bigint')])).toEqual({ kind: 'bars', value: 'total', labels: ['label'] });
    expect(chartFor('anything', [col('name', 'varchar'), col('share', 'double')])).toBeUndefined();
    expect(chartFor('anything', [col('bytes', 'bigint'), col('name', 'varchar')])).toBeUndefined();
  });

  it('label rows in human form: protocol names, an arrow between source and destination', () => {
    const columns = [col('dstport', 'integer'), col('protocol', 'integer'), col('srcaddr', 'varchar'), col('dstaddr', 'varchar')];
    expect(rowLabel({ kind: 'bars', value: 'x', labels: ['dstport', 'protocol'] }, columns, { dstport: 22, protocol: 6 })).toBe('22 / TCP');
    expect(rowLabel({ kind: 'bars', value: 'x', labels: ['srcaddr', 'dstaddr'] }, columns, { srcaddr: '10.0.0.1', dstaddr: '10.0.0.2' })).toBe(
      '10.0.0.1 → 10.0.0.2',
    );
  });

  it('draw one bar per row, as long as its value allows and never under 2 px', () => {
    const columns = [col('interface_id', 'varchar'), col('bytes', 'bigint')];
    const rows = [
      { interface_id: 'eni-a', bytes: 4000 },
      { interface_id: 'eni-b', bytes: 1000 },
      { interface_id: 'eni-c', bytes: 0 },
    ];
    const svg = renderChartSvg({ kind: 'bars', value: 'bytes', labels: ['interface_id'] }, columns, rows, 'eni-bytes');
    expect([...svg.matchAll(/<rect [^>]*width="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([420, 105, 2]);
    expect([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual(['eni-a: 4.0 kB', 'eni-b: 1.0 kB', 'eni-c: 0 B']);
    const timeline = renderChartSvg(
      { kind: 'columns', value: 'bytes', labels: ['bucket_start'] },
      [col('bucket_start', 'bigint'), col('bytes', 'bigint')],
      [
        { bucket_start: 1761868800, bytes: 10 },
        { bucket_start: 1761872400, bytes: 20 },
      ],
      't',
    );
    expect([...timeline.matchAll(/<rect [^>]*height="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([110, 220]);
    expect([...timeline.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1])).toEqual(['2025-10-31 00:00:00: 10 B', '2025-10-31 01:00:00: 20 B']);
  });
});
