import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { FileBlobStore, createFileBlobStore } from './file-blob-store.ts';
import { runBlobStoreContract } from './test-support/blob-store-contract.ts';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-file-blobs-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('file blob store contract', () => {
  runBlobStoreContract(async () => new FileBlobStore(join(await freshDir(), 'blobs')));
});

describe('file blob store specifics', () => {
  it('keeps objects as plain files and leaves no temporary files behind', async () => {
    const dir = await freshDir();
    const store = createFileBlobStore(`file://${dir}`);
    await store.put('a/b.txt', 'x');
    expect(await readdir(join(dir, 'a'))).toEqual(['b.txt']);
    expect(await readdir(join(dir, '.fair-meta', 'tmp'))).toEqual([]);
    expect(store.baseUri).toBe(`file://${dir}`);
  });

  it('recomputes the hash of a file changed behind its back', async () => {
    const dir = await freshDir();
    const store = new FileBlobStore(dir);
    await store.put('f', 'one');
    await writeFile(join(dir, 'f'), 'changed by hand');
    expect((await store.head('f'))?.sha256).toBe(
      createHash('sha256').update('changed by hand').digest('hex'),
    );
  });

  it('refuses a key that is a folder of another key, naming it', async () => {
    const store = new FileBlobStore(await freshDir());
    await store.put('a/b', 'x');
    const f = await failure(store.put('a', 'y'));
    expect(f).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('"a"') as unknown as string,
    });
    await store.delete('a/b');
    expect((await store.put('a', 'y')).size).toBe(1);
  });

  it('refuses relative paths and malformed file URLs', () => {
    expect(() => createFileBlobStore('relative/dir')).toThrow(/not absolute/);
    expect(() => createFileBlobStore('file://host/dir')).toThrow(/file:\/\/\//);
  });
});
