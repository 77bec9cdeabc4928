import { getTemplate } from '../../src/queries/templates.js';
import { chartFor, renderChart, rowLabel } from '../../src/reports/chart.js';

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

  it('draw one bar per row, as long as its value allows, new rows marked, over a scale naming the measure', () => {
    const columns = [col('interface_id', 'varchar'), col('bytes', 'bigint')];
    const rows = [
      { interface_id: 'eni-a', bytes: 4000 },
      { interface_id: 'eni-b', bytes: 1000 },
      { interface_id: 'eni-c', bytes: 0 },
    ];
    const html = renderChart({ kind: 'bars', value: 'bytes', labels: ['interface_id'] }, columns, rows, 'eni-bytes', [false, true, false]);
    expect([...html.matchAll(/class="fill" style="width:([\d.]+)%"/g)].map((m) => Number(m[1]))).toEqual([100, 25, 0]);
    expect([...html.matchAll(/<div class="bar( new)?" title="([^"]*)"/g)].map((m) => [m[2], m[1] === ' new'])).toEqual([
      ['eni-a: 4.0 kB', false],
      ['eni-b: 1.0 kB', true],
      ['eni-c: 0 B', false],
    ]);
    expect(html).toContain('<figcaption class="measure">bytes per interface_id; bars from 0 to 4.0 kB</figcaption>');
    expect([...html.matchAll(/<span class="ticks">(.*?)<\/span><span><\/span><\/div>/g)].map((m) => m[1])).toEqual([
      '<span>0 B</span><span>2.0 kB</span><span>4.0 kB</span>',
    ]);
    const timeline = renderChart(
      { kind: 'columns', value: 'bytes', labels: ['bucket_start'] },
      [col('bucket_start', 'bigint'), col('bytes', 'bigint')],
      [
        { bucket_start: 1761868800, bytes: 10 },
        { bucket_start: 1761872400, bytes: 20 },
      ],
      't',
    );
    expect([...timeline.matchAll(/class="fill" style="height:([\d.]+)%"/g)].map((m) => Number(m[1]))).toEqual([50, 100]);
    expect([...timeline.matchAll(/<div class="col" title="([^"]*)"/g)].map((m) => m[1])).toEqual(['2025-10-31 00:00:00: 10 B', '2025-10-31 01:00:00: 20 B']);
    expect(timeline).toContain('<figcaption class="measure">bytes per bucket_start (UTC); columns from 0 to 20 B</figcaption>');
  });

  it('show a label in full, however long (an IPv6 pair), for the page to wrap', () => {
    const columns = [col('srcaddr', 'varchar'), col('dstaddr', 'varchar'), col('bytes', 'bigint')];
    const row = { srcaddr: '2001:db8:85a3:1234:5678:8a2e:370:7334', dstaddr: '2001:db8:85a3:ffff:ffff:8a2e:370:7335', bytes: 5 };
    const html = renderChart({ kind: 'bars', value: 'bytes', labels: ['srcaddr', 'dstaddr'] }, columns, [row], 'top-talkers');
    expect(html).toContain(`<bdi>${row.srcaddr} → ${row.dstaddr}</bdi>`);
  });
});
