import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { migrate, openDatabase } from '../../db/index.ts';
import { loadConfig } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import { createBlobStore } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { createS3BlobStore } from '../../storage/s3-blob-store.ts';
import { createControlPlane } from '../control-plane/control-plane.ts';
import type { ControlPlane } from '../control-plane/control-plane.ts';
import { workflowMigrations } from '../control-plane/migrations.ts';
import { executorWorkflows } from '../test-support/executor-workflows.ts';
import { taskCatalog, testCatalogModule } from '../test-support/test-tasks.ts';
import { createLocalWorker } from './local-worker.ts';
import type { LocalWorker } from './local-worker.ts';

// Issue 5: data passes between task processes through the blob store, here the real Swift s3api server.
const server = inject('testS3');
const title =
  server === null
    ? `local worker on an s3:// store (skipped: ${inject('testS3SkipReason')})`
    : 'local worker on an s3:// store';

describe.skipIf(server === null)(title, () => {
  const bucket = `fair-workflows-${process.pid}-${Date.now().toString(36)}`;
  let dir: string;
  let db: Database;
  let blobs: BlobStore;
  let cp: ControlPlane;
  let worker: LocalWorker;
  const errors: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fair-worker-s3-'));
    const s3 = server!;
    const config: Config = loadConfig({
      FAIR_DATA_DIR: dir,
      STORAGE_URL: `s3://${bucket}/fair`,
      FAIR_S3_ENDPOINT: s3.endpoint,
      FAIR_S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    const bucketStore = createS3BlobStore(`s3://${bucket}`, config.s3);
    await bucketStore.ensureBucket();
    bucketStore.destroy();
    blobs = await createBlobStore(config.storageUrl, { dataDir: dir, s3: config.s3 });
    db = await openDatabase('pglite://memory', { dataDir: dir });
    await migrate(db, 'workflows', workflowMigrations);
    cp = createControlPlane({ db, blobs, tasks: taskCatalog });
    await cp.registerAll(taskCatalog, executorWorkflows);
    worker = createLocalWorker({
      protocol: cp,
      tasks: taskCatalog,
      catalogModule: testCatalogModule,
      blobs,
      config,
      concurrency: 2,
      pollMs: 100,
      onError: (error) => errors.push(error),
    });
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await cp?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  });

  it('runs a DAG whose tasks pass a blob reference through S3, with lineage', async () => {
    const id = await cp.launch('chain@1', { x: 5, text: 'through S3' });
    const done = await cp.waitForExecution(id, { timeoutMs: 60_000 });
    expect(done.phase).toBe('SUCCEEDED');
    expect(done.outputs).toEqual({ sum: 16, text: 'through S3' });
    const uri = done.nodes.find((node) => node.id === 'write')?.outputs?.['uri'];
    expect(uri).toBe(`s3://${bucket}/fair/executions/${id}/write/attempt-1/text.txt`);
    expect((await blobs.getBytes(blobs.keyOf(String(uri)))).toString()).toBe('through S3');
    const lineage = await cp.lineage(String(uri));
    expect(lineage).toMatchObject({ executionId: id, nodeId: 'write' });
  });
});
