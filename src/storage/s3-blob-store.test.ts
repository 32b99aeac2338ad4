import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import type { S3Config } from '../shared/index.ts';
import { createS3BlobStore } from './s3-blob-store.ts';
import type { S3BlobStore } from './s3-blob-store.ts';
import { runBlobStoreContract } from './test-support/blob-store-contract.ts';

const server = inject('testS3');
const config: S3Config | undefined =
  server === null ? undefined : { ...server, endpoint: server.endpoint, forcePathStyle: true };
const bucket = `fair-test-${process.pid}-${Date.now().toString(36)}`;
const stores: S3BlobStore[] = [];
let made = 0;

async function freshStore(): Promise<S3BlobStore> {
  const store = createS3BlobStore(`s3://${bucket}/t${made++}`, config!);
  stores.push(store);
  if (made === 1) await store.ensureBucket();
  return store;
}

afterAll(() => {
  for (const s of stores) s.destroy();
});

const title = server === null ? `s3 blob store (skipped: ${inject('testS3SkipReason')})` : 's3 blob store';

describe.skipIf(server === null)(title, () => {
  describe('contract', () => {
    runBlobStoreContract(freshStore);
  });

  it('sends a body over 8 MiB as a multipart upload that records sha256 metadata', async () => {
    const store = createS3BlobStore(`s3://${bucket}/multipart`, config!);
    stores.push(store);
    await store.ensureBucket();
    const info = await store.put(
      'mp.bin',
      Readable.from([Buffer.alloc(9 << 20, 1), Buffer.alloc(1 << 20, 2)]),
    );
    const client = new S3Client({
      endpoint: server!.endpoint,
      region: server!.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server!.accessKeyId, secretAccessKey: server!.secretAccessKey },
    });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'multipart/mp.bin' }));
    client.destroy();
    expect(head.ETag).toMatch(/-2"$/);
    expect(head.Metadata?.['sha256']).toBe(info.sha256);
    await store.delete('mp.bin');
  });

  it('names a missing bucket', async () => {
    const store = createS3BlobStore(`s3://${bucket}-absent/x`, config!);
    stores.push(store);
    expect(await failure(store.put('a', 'b'))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining(`${bucket}-absent`) as unknown as string,
    });
  });

  it('refuses malformed s3 URLs', () => {
    expect(() => createS3BlobStore('s3://', config!)).toThrow(/s3:\/\/bucket/);
    expect(() => createS3BlobStore('s3://Bad_Bucket/x', config!)).toThrow(/bucket name/);
  });
});
