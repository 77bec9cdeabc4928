import { InvalidConfiguration, InvalidParameter } from '../../src/errors.js';
import { TEMPLATES } from '../../src/queries/templates.js';
import { daysForEvent } from '../../src/reports/event.js';
import { reportDays } from '../../src/reports/period.js';
import { readReportSettings } from '../../src/reports/settings.js';

const NOW = Date.UTC(2026, 10, 28, 1, 15);

describe('report days', () => {
  it('default to the previous full UTC day, take one date, or a range of dates with the end exclusive', () => {
    expect(reportDays({}, NOW)).toEqual([{ date: '2026-11-27', start: Date.UTC(2026, 10, 27) / 1000, end: Date.UTC(2026, 10, 28) / 1000 }]);
    expect(reportDays({}, Date.UTC(2026, 10, 28)).map((d) => d.date)).toEqual(['2026-11-27']);
    expect(reportDays({ date: '2024-02-29' }, NOW).map((d) => d.date)).toEqual(['2024-02-29']);
    expect(reportDays({ start: '2026-02-27', end: '2026-03-02' }, NOW).map((d) => d.date)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('refuse malformed dates, a date with a range, half a range, an empty range and more than 31 days, naming the field', () => {
    const problem = (request: Record<string, unknown>) => {
      try {
        reportDays(request, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidParameter);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(problem({ date: '2026-02-30' })).toBe('date: must be a date (YYYY-MM-DD), not "2026-02-30"');
    expect(problem({ date: 20261127 })).toBe('date: must be a date (YYYY-MM-DD), not 20261127');
    expect(problem({ date: '2026-11-27', end: '2026-11-28' })).toBe('date: give either date or start and end, not both');
    expect(problem({ start: '2026-11-27' })).toBe('end: start and end go together');
    expect(problem({ start: '2026-11-27', end: '2026-11-27' })).toBe('end: must be after start (end is exclusive)');
    expect(problem({ start: '2026-01-01', end: '2026-03-01' })).toBe('end: a run covers at most 31 days, not 59');
  });

  it("read a schedule event as the day before its time, and a direct invocation's fields as a request", () => {
    const scheduled = {
      version: '0',
      id: 'e1',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-20T01:15:00Z',
      resources: [],
      detail: {},
    };
    expect(daysForEvent(scheduled, NOW)).toEqual({ trigger: 'schedule', days: reportDays({ date: '2026-11-19' }, NOW) });
    expect(daysForEvent({ date: '2026-11-01' }, NOW)).toEqual({ trigger: 'invoke', days: reportDays({ date: '2026-11-01' }, NOW) });
    expect(daysForEvent({}, NOW)).toEqual({ trigger: 'invoke', days: reportDays({}, NOW) });
    expect(() => daysForEvent({ date: '2026-11-01', limit: 5 }, NOW)).toThrow('event: a report takes only date, or start and end, not limit');
    expect(() => daysForEvent('2026-11-01', NOW)).toThrow(InvalidParameter);
  });
});

describe('report settings', () => {
  it('default to reports/, the bucket default encryption, the change templates and the three rankings with limit 25', () => {
    expect(readReportSettings({ FLOWQ_REPORT_BUCKET: 'my-reports' })).toEqual({
      bucket: 'my-reports',
      prefix: 'reports/',
      kmsKeyId: undefined,
      templates: [
        { name: 'new-destinations', params: { limit: 25 } },
        { name: 'new-listeners', params: { limit: 25 } },
        { name: 'traffic-change', params: { limit: 25 } },
        { name: 'top-talkers', params: { limit: 25 } },
        { name: 'rejected-ports', params: { limit: 25 } },
        { name: 'eni-bytes', params: { limit: 25 } },
      ],
      concurrency: 3,
    });
  });

  it('give the change templates the internal networks of FLOWQ_INTERNAL_CIDRS, and read the notification topic', () => {
    const settings = readReportSettings({
      FLOWQ_REPORT_BUCKET: 'b',
      FLOWQ_INTERNAL_CIDRS: '10.0.0.0/8, fd00::/8',
      FLOWQ_NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:flowq',
    });
    expect(settings.templates.map((t) => [t.name, t.params.internal_cidrs])).toEqual([
      ['new-destinations', '10.0.0.0/8, fd00::/8'],
      ['new-listeners', '10.0.0.0/8, fd00::/8'],
      ['traffic-change', '10.0.0.0/8, fd00::/8'],
      ['top-talkers', undefined],
      ['rejected-ports', undefined],
      ['eni-bytes', undefined],
    ]);
    expect(settings.notifyTopicArn).toBe('arn:aws:sns:eu-west-1:111122223333:flowq');
    expect(() => readReportSettings({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_NOTIFY_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:111122223333:q' })).toThrow(
      'environment variable FLOWQ_NOTIFY_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)',
    );
    expect(() => readReportSettings({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_INTERNAL_CIDRS: '10.0.0.0/8,nope' })).toThrow(
      "environment variable FLOWQ_INTERNAL_CIDRS: internal_cidrs: item 2: 'nope' is not an IPv4 or IPv6 address; give a network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32",
    );
  });

  it('read the prefix, the KMS key and a template list', () => {
    const settings = readReportSettings({
      FLOWQ_REPORT_BUCKET: 'b',
      FLOWQ_REPORT_PREFIX: '/flow/daily',
      FLOWQ_REPORT_KMS_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      FLOWQ_REPORT_TEMPLATES: '[{"name": "top-talkers", "params": {"limit": 5, "action": "REJECT"}}, {"name": "eni-bytes"}]',
      FLOWQ_REPORT_CONCURRENCY: '1',
    });
    expect(settings).toEqual({
      bucket: 'b',
      prefix: 'flow/daily/',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      templates: [
        { name: 'top-talkers', params: { limit: 5, action: 'REJECT' } },
        { name: 'eni-bytes', params: {} },
      ],
      concurrency: 1,
    });
    expect(readReportSettings({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_PREFIX: '' }).prefix).toBe('');
  });

  it('fail naming the variable that is missing or malformed', () => {
    const message = (env: Record<string, string>) => {
      try {
        readReportSettings(env);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfiguration);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({})).toBe('environment variable FLOWQ_REPORT_BUCKET is required');
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '[{"name": ' })).toBe('environment variable FLOWQ_REPORT_TEMPLATES: is not valid JSON');
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '[{"name": "top-talkerz"}]' })).toBe(
      `environment variable FLOWQ_REPORT_TEMPLATES: entry 0: unknown template 'top-talkerz'; known: ${[...TEMPLATES.keys()].join(', ')}`,
    );
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '[{"name": "eni-bytes"}, {"name": "eni-bytes"}]' })).toBe(
      "environment variable FLOWQ_REPORT_TEMPLATES: entry 1: template 'eni-bytes' is listed twice",
    );
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '[{"name": "eni-bytes", "params": {"start": "2026-01-01"}}]' })).toBe(
      "environment variable FLOWQ_REPORT_TEMPLATES: entry 0: start comes from the report's day, leave it out",
    );
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '[{"name": "top-talkers", "params": {"limit": 5000, "colour": "red"}}]' })).toBe(
      'environment variable FLOWQ_REPORT_TEMPLATES: entry 0 (top-talkers): colour: unknown parameter; expected one of start, end, limit, interface_id, vpc_id, subnet_id, action, protocol, src_cidr, dst_cidr; limit: must be a whole number from 1 to 1000',
    );
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_TEMPLATES: '{}' })).toBe(
      'environment variable FLOWQ_REPORT_TEMPLATES: must be a non-empty JSON list of {"name", "params"}',
    );
    expect(message({ FLOWQ_REPORT_BUCKET: 'b', FLOWQ_REPORT_CONCURRENCY: '0' })).toBe(
      "environment variable FLOWQ_REPORT_CONCURRENCY must be a whole number >= 1, not '0'",
    );
  });
});
