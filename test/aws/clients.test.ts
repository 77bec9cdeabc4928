import { glue } from '../../src/catalog/aws.js';
import { s3Client } from '../../src/s3/client.js';

describe('the AWS clients', () => {
  test("make one attempt where flowq retries (Glue) and the SDK's three where it does not (S3)", async () => {
    const [glueMade, s3Made] = await Promise.all([glue(), s3Client()]);

    expect({ glue: await glueMade.client.config.maxAttempts(), s3: await s3Made.client.config.maxAttempts() }).toEqual({ glue: 1, s3: 3 });
  });

  test('follow a bucket to its region rather than refuse it', async () => {
    const { client } = await s3Client();

    expect(client.config.followRegionRedirects).toBe(true);
  });

  test('are made once: every call hands out the same client', async () => {
    const [first, second] = await Promise.all([s3Client(), s3Client()]);

    expect(first.client).toBe(second.client);
  });
});
