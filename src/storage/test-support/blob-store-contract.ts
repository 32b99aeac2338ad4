/** @module storage/test-support/blob-store-contract — the behaviour every BlobStore implementation must show. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import type { BlobStore } from '../blob-store.ts';
import { downloadPrefix } from '../download-prefix.ts';
import { getJson, putJson } from '../json-blob.ts';
import { prefixDigest } from '../prefix-digest.ts';
import { uploadDirectory } from '../upload-directory.ts';

const sha = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

async function keys(store: BlobStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const info of store.list(prefix)) out.push(info.key);
  return out;
}

/** 1 MiB chunks of a deterministic pattern, `mib` of them. */
async function* pattern(mib: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < mib; i++) yield Buffer.alloc(1 << 20, (i * 37) % 251);
}

/**
 * Runs the BlobStore contract.
 * @param makeStore - returns a fresh, empty store for each test
 */
export function runBlobStoreContract(makeStore: () => Promise<BlobStore>): void {
  const temps: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'fair-blob-contract-'));
    temps.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
  });

  describe('put and get', () => {
    it('round-trips bytes, text, a Readable and an async iterable, with their sha256 and size', async () => {
      const store = await makeStore();
      const bodies = {
        bytes: new Uint8Array([0, 1, 2, 255]),
        text: 'héllo',
        readable: Readable.from([Buffer.from('ab'), Buffer.from('cd')]),
        iterable: (async function* () {
          yield new Uint8Array([9, 8]);
          yield new Uint8Array([7]);
        })(),
      };
      const expected = {
        bytes: Buffer.from([0, 1, 2, 255]),
        text: Buffer.from('héllo'),
        readable: Buffer.from('abcd'),
      };
      const all = { ...expected, iterable: Buffer.from([9, 8, 7]) };
      for (const [name, body] of Object.entries(bodies)) {
        const info = await store.put(`x/${name}`, body);
        const want = all[name as keyof typeof all];
        expect(info).toMatchObject({ key: `x/${name}`, size: want.length, sha256: sha(want) });
        expect(info.uri).toBe(store.uriOf(`x/${name}`));
        expect(await store.getBytes(`x/${name}`)).toEqual(want);
      }
    });

    it('streams an object with get', async () => {
      const store = await makeStore();
      await store.put('s.bin', 'streamed');
      const chunks: Buffer[] = [];
      for await (const c of await store.get('s.bin')) chunks.push(Buffer.from(c as Uint8Array));
      expect(Buffer.concat(chunks).toString()).toBe('streamed');
    });

    it('overwrites atomically: a failed write leaves the old content, a good one replaces it', async () => {
      const store = await makeStore();
      await store.put('k', 'old');
      const broken = (async function* () {
        yield Buffer.from('partial');
        throw new Error('source broke');
      })();
      await expect(store.put('k', broken)).rejects.toThrow('source broke');
      expect((await store.getBytes('k')).toString()).toBe('old');
      expect((await store.head('k'))?.sha256).toBe(sha('old'));
      await store.put('k', 'new content');
      expect((await store.getBytes('k')).toString()).toBe('new content');
      expect(await store.head('k')).toMatchObject({ size: 11, sha256: sha('new content') });
    });

    it('round-trips a 20 MiB stream (multipart on S3) with the right hash', async () => {
      const store = await makeStore();
      const hash = createHash('sha256');
      for await (const c of pattern(20)) hash.update(c);
      const info = await store.put('big/model.bin', Readable.from(pattern(20)));
      expect(info).toMatchObject({ size: 20 << 20, sha256: hash.digest('hex') });
      const back = createHash('sha256');
      let size = 0;
      for await (const c of await store.get('big/model.bin')) {
        back.update(c as Uint8Array);
        size += (c as Uint8Array).byteLength;
      }
      expect({ size, sha256: back.digest('hex') }).toEqual({ size: info.size, sha256: info.sha256 });
      await store.delete('big/model.bin');
    });
  });

  describe('head, missing objects and delete', () => {
    it('head returns the info of an object and undefined for a missing one', async () => {
      const store = await makeStore();
      const put = await store.put('h/a.txt', 'abc');
      expect(await store.head('h/a.txt')).toMatchObject({ key: 'h/a.txt', size: 3, sha256: sha('abc') });
      expect((await store.head('h/a.txt'))?.modifiedAt).toBeInstanceOf(Date);
      expect(put.uri).toBe((await store.head('h/a.txt'))?.uri);
      expect(await store.head('h/missing.txt')).toBeUndefined();
      expect(await store.head('h')).toBeUndefined();
    });

    it('get and getBytes of a missing object fail with RESOURCE_DOES_NOT_EXIST naming the URI', async () => {
      const store = await makeStore();
      const uri = store.uriOf('no/such.bin');
      expect(await failure(store.get('no/such.bin'))).toEqual({
        code: 'RESOURCE_DOES_NOT_EXIST',
        message: expect.stringContaining(uri) as unknown as string,
      });
      expect((await failure(store.getBytes('no/such.bin'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    });

    it('delete removes an object and is idempotent', async () => {
      const store = await makeStore();
      await store.put('d/a', '1');
      await store.put('d/b', '2');
      await store.delete('d/a');
      await store.delete('d/a');
      await store.delete('d/never');
      expect(await store.head('d/a')).toBeUndefined();
      expect(await keys(store, '')).toEqual(['d/b']);
    });
  });

  describe('list', () => {
    it('lists in bytewise key order, filtered by a string prefix', async () => {
      const store = await makeStore();
      for (const k of ['b', 'a/y/z', 'ab', 'a-c', 'a/x', 'a/x2']) await store.put(k, k);
      expect(await keys(store, '')).toEqual(['a-c', 'a/x', 'a/x2', 'a/y/z', 'ab', 'b']);
      expect(await keys(store, 'a/')).toEqual(['a/x', 'a/x2', 'a/y/z']);
      expect(await keys(store, 'a/x')).toEqual(['a/x', 'a/x2']);
      expect(await keys(store, 'a')).toEqual(['a-c', 'a/x', 'a/x2', 'a/y/z', 'ab']);
      expect(await keys(store, 'zz/')).toEqual([]);
    });

    it('reports size and sha256 of each object', async () => {
      const store = await makeStore();
      await store.put('l/one', 'one');
      const infos = [];
      for await (const info of store.list('l/')) infos.push(info);
      expect(infos).toMatchObject([{ key: 'l/one', size: 3, sha256: sha('one'), uri: store.uriOf('l/one') }]);
    });
  });

  describe('keys and URIs', () => {
    it('refuses unsafe keys with INVALID_PARAMETER_VALUE naming the key', async () => {
      const store = await makeStore();
      for (const key of [
        '',
        '/abs',
        'a/../b',
        '..',
        'a//b',
        'a/',
        'a\\b',
        './a',
        'a\u0000b',
        '.fair-meta/x',
      ]) {
        const f = await failure(store.put(key, 'x'));
        expect(f.code).toBe('INVALID_PARAMETER_VALUE');
        expect(f.message).toContain(JSON.stringify(key));
      }
      expect((await failure(store.get('../etc/passwd'))).code).toBe('INVALID_PARAMETER_VALUE');
      expect((await failure(store.head('/abs'))).code).toBe('INVALID_PARAMETER_VALUE');
    });

    it('maps keys to URIs and back, and refuses URIs outside the store', async () => {
      const store = await makeStore();
      for (const key of ['a', 'dir/sub/file name #1.txt']) expect(store.keyOf(store.uriOf(key))).toBe(key);
      expect(store.uriOf('a/b').startsWith(`${store.baseUri}/`)).toBe(true);
      expect(store.baseUri.endsWith('/')).toBe(false);
      expect(() => store.keyOf('s3://elsewhere/x')).toThrow(/outside the blob store/);
    });
  });

  describe('composed helpers', () => {
    it('uploadDirectory and downloadPrefix round-trip a folder with one digest', async () => {
      const store = await makeStore();
      const src = await tempDir();
      await mkdir(join(src, 'sub', 'deep'), { recursive: true });
      await writeFile(join(src, 'model.onnx'), Buffer.alloc(3000, 7));
      await writeFile(join(src, 'sub', 'a.json'), '{"a":1}');
      await writeFile(join(src, 'sub', 'deep', 'c.txt'), '');
      const up = await uploadDirectory(store, src, 'runs/7');
      expect(up).toMatchObject({ uri: `${store.uriOf('runs/7')}/`, files: 3, bytes: 3007 });
      expect(await keys(store, '')).toEqual([
        'runs/7/model.onnx',
        'runs/7/sub/a.json',
        'runs/7/sub/deep/c.txt',
      ]);
      expect(await prefixDigest(store, 'runs/7/')).toEqual({ sha256: up.sha256, files: 3, bytes: 3007 });
      const out = await tempDir();
      const down = await downloadPrefix(store, up.uri, out);
      expect(down).toEqual({ files: 3, bytes: 3007, sha256: up.sha256 });
      expect(await readFile(join(out, 'sub', 'a.json'), 'utf8')).toBe('{"a":1}');
      expect(await readFile(join(out, 'model.onnx'))).toEqual(Buffer.alloc(3000, 7));
      expect(await readFile(join(out, 'sub', 'deep', 'c.txt'), 'utf8')).toBe('');
    });

    it('gives the same digest for the same files under another prefix, and another for other content', async () => {
      const store = await makeStore();
      const src = await tempDir();
      await writeFile(join(src, 'f'), 'same');
      const a = await uploadDirectory(store, src, 'p/a');
      const b = await uploadDirectory(store, src, 'p/b/');
      expect(b.sha256).toBe(a.sha256);
      await writeFile(join(src, 'f'), 'other');
      expect((await uploadDirectory(store, src, 'p/c')).sha256).not.toBe(a.sha256);
      expect((await downloadPrefix(store, 'p/a', await tempDir())).files).toBe(1);
    });

    it('putJson and getJson round-trip a value, with an optional parser', async () => {
      const store = await makeStore();
      const info = await putJson(store, 'meta/run.json', { epochs: 3, tags: ['a'] });
      expect(info.size).toBeGreaterThan(0);
      expect(await getJson(store, 'meta/run.json')).toEqual({ epochs: 3, tags: ['a'] });
      const parser = { parse: (v: unknown): number => (v as { epochs: number }).epochs };
      expect(await getJson(store, 'meta/run.json', parser)).toBe(3);
      await store.put('meta/bad.json', '{nope');
      expect((await failure(getJson(store, 'meta/bad.json'))).code).toBe('INTERNAL_ERROR');
      expect((await failure(getJson(store, 'meta/none.json'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    });
  });
}
