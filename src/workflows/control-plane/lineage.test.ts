import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { createControlPlane } from './control-plane.ts';
import { drive, ok, openFixture, taskHandler, testTasks } from './test-support/control-plane-fixture.ts';
import type { Fixture } from './test-support/control-plane-fixture.ts';

describe.each(testDatabaseEngines())('lineage on $name', (engine) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await openFixture(engine);
    await f.cp.registerWorkflow({
      name: 'concat-files',
      version: '1',
      description: 'Concatenates two existing blobs.',
      inputs: z.object({ left: z.string(), right: z.string() }),
      nodes: [
        { id: 'cat', task: 'concat@1', inputs: { left: { input: 'left' }, right: { input: 'right' } } },
      ],
      outputs: { file: { node: 'cat', output: 'file' } },
    });
  });
  afterAll(() => f.close());

  it('follows an artifact through two executions back to its first producers', async () => {
    const first = await f.cp.launch('files', { a: 'x', b: 'y' });
    await drive(f.cp, first, taskHandler(f.blobs));
    const made = String((await f.cp.getExecution(first)).outputs?.['file']);
    const upload = await f.blobs.put('uploads/z.txt', 'z');
    const second = await f.cp.launch('concat-files@1', { left: made, right: upload.uri });
    await drive(f.cp, second, taskHandler(f.blobs));
    const final = String((await f.cp.getExecution(second)).outputs?.['file']);
    expect((await f.blobs.getBytes(f.blobs.keyOf(final))).toString()).toBe('xyz');
    const lineage = await f.cp.lineage(final);
    expect(lineage).toMatchObject({
      executionId: second,
      workflow: 'concat-files@1',
      nodeId: 'cat',
      task: 'concat@1',
    });
    expect(lineage.inputs).toEqual({ left: made, right: upload.uri });
    const [left, right] = lineage.sources;
    expect(left).toMatchObject({
      input: 'left',
      uri: made,
      lineage: { executionId: first, nodeId: 'joined' },
    });
    expect(left?.lineage?.sources.map((s) => s.lineage?.nodeId)).toEqual(['first', 'second']);
    // An uploaded blob was not produced by a workflow: the chain ends there.
    expect(right).toEqual({ input: 'right', uri: upload.uri, lineage: null });
  });

  it('finds the producer of a file inside a produced prefix', async () => {
    const id = await f.cp.launch('single-flaky', { n: 50 });
    let prefix = '';
    await drive(f.cp, id, (a) => {
      prefix = `${f.blobs.baseUri}/${a.outputPrefix}/`;
      return ok({ n: 50, dir: prefix });
    });
    const inside = await f.cp.lineage(`${prefix}chips/0.png`);
    expect(inside).toMatchObject({
      uri: `${prefix}chips/0.png`,
      producedAs: prefix,
      executionId: id,
      output: 'dir',
    });
  });

  it('a new control plane on the same database carries on with running executions (restart)', async () => {
    const id = await f.cp.launch('diamond', { x: 600 });
    const [top] = await f.cp.claimAttempts('w', 1, 30_000);
    const restarted = createControlPlane({ db: f.db, blobs: f.blobs, tasks: testTasks });
    try {
      await restarted.completeAttempt('w', top?.attemptId as string, ok({ sum: 601 }));
      await drive(restarted, id, taskHandler(f.blobs));
      expect(await restarted.getExecution(id)).toMatchObject({
        phase: 'SUCCEEDED',
        outputs: { total: 601 + 10 + 601 + 100 },
      });
    } finally {
      await restarted.close();
    }
  });
});
