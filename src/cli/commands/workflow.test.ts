/**
 * @module cli/commands/workflow.test — `fair workflow` as the real command line on the embedded database: list,
 * describe, run --follow (with the in-process worker), status, queue-only run and cancel, logs, and bad input.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/index.ts';
import { startSyntheticTileServer } from '../../synthetic/index.ts';
import type { SyntheticTileServer } from '../../synthetic/index.ts';
import { openWorkflowRuntime } from '../../workflows/index.ts';
import { runFair } from '../test-support/run-fair.ts';
import { registryWorkerHooks } from '../runtime-options.ts';
import type { FairRun } from '../test-support/run-fair.ts';

let dir = '';
let server: SyntheticTileServer;

function fair(args: string[]): Promise<FairRun> {
  return runFair(['workflow', ...args, '--data', dir], { env: { FAIR_ALLOW_PRIVATE_NETWORK: '1' } });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-cli-workflow-'));
  server = await startSyntheticTileServer({ seed: 42 });
  // A registered model for the prediction workflow: the shipped base model, stored in the blob store.
  const runtime = await openWorkflowRuntime(loadConfig({ FAIR_DATA_DIR: dir }));
  try {
    const models = path.resolve(import.meta.dirname, '../../../models/base-unet-s');
    const artifacts: Record<string, string> = {};
    for (const file of ['model.onnx', 'model.json'])
      artifacts[file] = (
        await runtime.blobs.put(`models/base/${file}`, await readFile(path.join(models, file)))
      ).uri;
    artifacts['model_dir'] = `${runtime.blobs.uriOf('models/base')}/`;
    // The CLI's workers resolve model versions through the registry, as `fair serve` does.
    await (
      await registryWorkerHooks(runtime)
    ).registerModelVersion(
      { name: 'base', artifacts, metrics: {}, source: {} },
      { executionId: 'cli-test', nodeId: 'setup' },
    );
  } finally {
    await runtime.close();
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fair workflow', () => {
  it('lists the shipped workflows', async () => {
    const run = await fair(['list']);
    expect(run.code, run.stderr).toBe(0);
    for (const name of ['building-detection-training@1', 'building-prediction@1', 'health-check@1'])
      expect(run.stdout).toContain(name);
  });

  it('describes a workflow: inputs with required and default markers, nodes, outputs', async () => {
    const run = await fair(['describe', 'building-prediction@1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\s+model_name\s+string\s+required\s+registered model name$/m);
    expect(run.stdout).toMatch(/^\s+tolerance\s+number\s+default 0\.3\s/m);
    expect(run.stdout).toContain('predict: predict@1 (process');
    expect(run.stdout).toContain('model_dir ← resolve.model_dir');
    expect(run.stdout).toContain('predictions ← predict.predictions');
  });

  it('runs a workflow with --follow: events with progress, then the execution as JSON', async () => {
    const run = await fair(['run', 'health-check', '--inputs', '{"value":{"n":7}}', '--follow', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const view = JSON.parse(run.stdout) as { id: string; phase: string; outputs: unknown };
    expect(view).toMatchObject({ phase: 'SUCCEEDED', outputs: { value: { n: 7 } } });
    expect(run.stderr).toMatch(/node noop running \(attempt 1\)/);
    expect(run.stderr).toMatch(/node noop succeeded \(attempt 1\)\s+\[1\/1 nodes done\]/);
    expect(run.stderr).toMatch(/execution succeeded/);

    const status = await fair(['status', view.id]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`execution ${view.id}: health-check@1 SUCCEEDED`);
    expect(status.stdout).toMatch(/^noop\s+noop@1\s+SUCCEEDED\s+1\s+\d+\.\d s/m);
  });

  it('only queues without --follow, and cancels a queued execution', async () => {
    const run = await fair(['run', 'health-check', '--inputs', '{}']);
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    expect(run.stderr).toContain('queued; run `fair worker` or `fair serve` to execute it');
    const cancelled = await fair(['cancel', id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout.trim()).toBe(`execution ${id}: ABORTED`);
    const status = await fair(['status', id, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, phase: 'ABORTED' });
  });

  it('predicts through building-prediction with a registered model, with task logs', async () => {
    const [lon, lat] = server.scene.center;
    const inputs = {
      model_name: 'base',
      imagery: server.tileTemplate,
      aoi: [lon, lat, lon + 0.0012, lat + 0.0008],
      zoom: 19,
    };
    const run = await fair(['run', 'building-prediction', '--inputs', JSON.stringify(inputs), '--follow']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^predict\s+predict@1\s+SUCCEEDED/m);
    expect(run.stdout).toMatch(/"predictions": "file:\/\/.*predictions\.geojson"/);
    const id = /^execution (\S+):/.exec(run.stdout)?.[1] ?? '';
    const logs = await fair(['logs', id, '--node', 'predict']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^predict#1 \d+ buildings from \d+ tiles at zoom 19/m);
  });

  it('names the failing input field of a launch, and an unknown workflow', async () => {
    const bad = await fair(['run', 'building-prediction', '--inputs', '{"imagery":"x","zoom":19}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^fair: error: .*model_name/m);
    const unknown = await fair(['describe', 'no-such-workflow']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^fair: error: .*no-such-workflow.*health-check/m);
  });

  it('refuses --inputs that are not a JSON object before opening anything', async () => {
    const run = await fair(['run', 'health-check', '--inputs', '{"value":']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^fair: error: --inputs is not JSON: /);
  });
});
