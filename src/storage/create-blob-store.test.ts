import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import type { S3Config } from '../shared/index.ts';
import { createBlobStore } from './create-blob-store.ts';

const s3: S3Config = {
  endpoint: 'http://127.0.0.1:1',
  region: 'us-east-1',
  forcePathStyle: true,
  accessKeyId: undefined,
  secretAccessKey: undefined,
};
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('createBlobStore', () => {
  it('defaults to file://<abs dataDir>/blobs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fair-create-blob-'));
    dirs.push(dir);
    const store = await createBlobStore(undefined, { dataDir: dir, s3 });
    expect(store.baseUri).toBe(pathToFileURL(join(dir, 'blobs')).href);
    await store.put('k', 'v');
    expect((await store.getBytes('k')).toString()).toBe('v');
  });

  it('opens file:// URLs and plain absolute paths as the same store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fair-create-blob-'));
    dirs.push(dir);
    const byUrl = await createBlobStore(pathToFileURL(dir).href, { dataDir: '/unused', s3 });
    const byPath = await createBlobStore(dir, { dataDir: '/unused', s3 });
    expect(byPath.baseUri).toBe(byUrl.baseUri);
  });

  it('opens s3://bucket/prefix without contacting the server', async () => {
    const store = await createBlobStore('s3://my-bucket/some/prefix/', { dataDir: '/unused', s3 });
    expect(store.baseUri).toBe('s3://my-bucket/some/prefix');
    expect(store.uriOf('a/b')).toBe('s3://my-bucket/some/prefix/a/b');
    expect(store.keyOf('s3://my-bucket/some/prefix/a/b')).toBe('a/b');
  });

  it('refuses an unknown scheme, listing the known ones', async () => {
    const f = await failure(createBlobStore('gs://bucket/x', { dataDir: '/unused', s3 }));
    expect(f.code).toBe('INVALID_PARAMETER_VALUE');
    expect(f.message).toContain('gs://bucket/x');
    expect(f.message).toContain('file://, s3://');
    expect((await failure(createBlobStore('relative/dir', { dataDir: '/unused', s3 }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });
});
