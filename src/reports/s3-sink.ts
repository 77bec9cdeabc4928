import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import { s3Client } from '../s3/client.js';
import type { ReportObject, ReportSink } from './sink.js';

/** Where and how a report is stored in S3. */
export interface S3SinkOptions {
  readonly bucket: string;
  /** SSE-KMS with this key; without it, the bucket's default encryption applies. */
  readonly kmsKeyId?: string;
}

/** A sink over an S3 bucket: PutObject with the content type, cache policy and encryption. */
export class S3Sink implements ReportSink {
  readonly options: S3SinkOptions;

  constructor(options: S3SinkOptions) {
    this.options = options;
  }

  async put(object: ReportObject): Promise<void> {
    const input: PutObjectCommandInput = {
      Bucket: this.options.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      CacheControl: object.cacheControl,
    };
    const { kmsKeyId } = this.options;
    const { sdk, client } = await s3Client();
    await client.send(new sdk.PutObjectCommand(kmsKeyId === undefined ? input : { ...input, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyId }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const { sdk, client } = await s3Client();
    try {
      const answer = await client.send(new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return answer.Body === undefined ? new Uint8Array() : await answer.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof sdk.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const { sdk, client } = await s3Client();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  location(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }
}
