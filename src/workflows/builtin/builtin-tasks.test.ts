/**
 * @module workflows/builtin/builtin-tasks.test — each shipped task's `run` called directly on tiny synthetic data,
 * with a real file blob store and real task contexts (no processes, no database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTED_METRIC_KEYS } from '../../ml/index.ts';
import { AppError } from '../../shared/index.ts';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import { getJson } from '../../storage/index.ts';
import type { TaskContext, TaskDefinition } from '../task-definition.ts';
import {
  evaluateTask,
  exportOnnxTask,
  noopTask,
  predictTask,
  prepareDatasetTask,
  registerTask,
  resolveModelTask,
  trainTask,
} from './index.ts';
import { FIXTURE_CHIP_SIZE, FIXTURE_ZOOM, startTaskFixture } from './test-support/task-fixture.ts';
import type { TaskFixture } from './test-support/task-fixture.ts';

/** Runs a task as the executor does: inputs parsed (defaults filled), outputs checked against the schema. */
async function runTask<I, O>(task: TaskDefinition<I, O>, raw: unknown, context: TaskContext): Promise<O> {
  const outputs = await task.run(task.inputs.parse(raw), context);
  return task.outputs.parse(outputs);
}

let fixture: TaskFixture;
const produced: Record<string, string> = {};

beforeAll(async () => {
  fixture = await startTaskFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe('noop@1', () => {
  it('returns its value, and null without one', async () => {
    const context = await fixture.context('noop');
    expect(await runTask(noopTask, { value: { a: [1, 'b'] } }, context)).toEqual({ value: { a: [1, 'b'] } });
    expect(await runTask(noopTask, {}, context)).toEqual({ value: null });
  });
});

describe('the training chain on synthetic imagery', () => {
  it('prepare_dataset stores chips, masks, the manifest and a STAC item under the attempt prefix', async () => {
    const context = await fixture.context('prepare');
    const out = await runTask(
      prepareDatasetTask,
      {
        imagery: fixture.server.tileTemplate,
        aoi: fixture.trainBBox,
        labels: fixture.labelsUri,
        zoom: FIXTURE_ZOOM,
        mask: 'multi',
        chip_size: FIXTURE_CHIP_SIZE,
      },
      context,
    );
    expect(out.dataset).toBe(fixture.blobs.uriOf(`${context.outputPrefix}/dataset`) + '/');
    expect(out.chips).toBe(16);
    expect(out.chips_with_buildings).toBeGreaterThan(0);
    const manifest = (await getJson(fixture.blobs, `${context.outputPrefix}/dataset/dataset.json`)) as {
      chips: unknown[];
      maskKind: string;
    };
    expect(manifest.chips).toHaveLength(16);
    expect(manifest.maskKind).toBe('multi');
    expect(await fixture.blobs.head(fixture.blobs.keyOf(out.stac_item))).toBeDefined();
    produced['dataset'] = out.dataset;
  });

  it('train emits one metrics event per epoch and stores the checkpoint, history and curves', async () => {
    const context = await fixture.context('train');
    const out = await runTask(
      trainTask,
      { dataset: produced['dataset'], epochs: 2, batch_size: 4, base: 'builtin', seed: 7 },
      context,
    );
    expect(context.events.map((e) => [e.type, e.data['epoch']])).toEqual([
      ['metrics', 1],
      ['metrics', 2],
    ]);
    for (const key of ['train_loss', 'val_loss', 'pixel_iou', 'object_f1'])
      expect(typeof context.events[0]?.data[key]).toBe('number');
    for (const uri of [out.checkpoint, out.history, out.curves])
      expect(await fixture.blobs.head(fixture.blobs.keyOf(uri))).toBeDefined();
    expect(out.run_dir.endsWith('/run/')).toBe(true);
    expect(out.training['seed']).toBe(7);
    expect(out.training['dataset']).toBe(produced['dataset']);
    expect(context.lines.some((l) => l.startsWith('epoch 2/2'))).toBe(true);
    produced['checkpoint'] = out.checkpoint;
  });

  it('evaluate scores the checkpoint on the validation split with the standard keys', async () => {
    const context = await fixture.context('evaluate');
    const out = await runTask(
      evaluateTask,
      { checkpoint: produced['checkpoint'], dataset: produced['dataset'] },
      context,
    );
    expect(Object.keys(out.metrics).sort()).toEqual([...REPORTED_METRIC_KEYS].sort());
    expect(out.chips).toBeGreaterThan(0);
    expect(out.chips).toBeLessThan(16);
    expect(await getJson(fixture.blobs, fixture.blobs.keyOf(out.metrics_uri))).toEqual(out.metrics);
    produced['metrics'] = JSON.stringify(out.metrics);
  });

  it('export_onnx writes model.onnx and a model.json carrying the name and metrics', async () => {
    const context = await fixture.context('export');
    const metrics = JSON.parse(produced['metrics'] ?? '{}') as Record<string, number>;
    const out = await runTask(
      exportOnnxTask,
      { checkpoint: produced['checkpoint'], metrics, name: 'test-buildings' },
      context,
    );
    expect(out.model).toBe(`${out.model_dir}model.onnx`);
    const card = (await getJson(fixture.blobs, fixture.blobs.keyOf(out.model_card))) as {
      name: string;
      metrics: Record<string, number>;
      inputSize: number;
      maskKind: string;
    };
    expect(card).toMatchObject({
      name: 'test-buildings',
      metrics,
      inputSize: FIXTURE_CHIP_SIZE,
      maskKind: 'multi',
    });
    produced['model_dir'] = out.model_dir;
  });

  it('predict stores a GeoJSON of buildings and a preview over a new area', async () => {
    const context = await fixture.context('predict');
    const out = await runTask(
      predictTask,
      {
        model_dir: produced['model_dir'],
        imagery: fixture.server.tileTemplate,
        aoi: fixture.predictBBox,
        zoom: FIXTURE_ZOOM,
      },
      context,
    );
    const collection = (await getJson(fixture.blobs, fixture.blobs.keyOf(out.predictions))) as {
      type: string;
      features: unknown[];
    };
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(out.features);
    expect(out.tiles).toBeGreaterThanOrEqual(9);
    expect(out.preview).not.toBeNull();
    expect(out.summary['zoom']).toBe(FIXTURE_ZOOM);
  });
});

describe('bad inputs', () => {
  it('prepare_dataset refuses web URLs as labels', async () => {
    const context = await fixture.context('bad-labels');
    const raw = {
      imagery: fixture.server.tileTemplate,
      aoi: fixture.trainBBox,
      labels: 'https://example.org/buildings.geojson',
      zoom: FIXTURE_ZOOM,
    };
    expect(await failure(runTask(prepareDatasetTask, raw, context))).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('labels https://example.org/buildings.geojson'),
    });
  });

  it('prepare_dataset names a labels blob that does not exist', async () => {
    const context = await fixture.context('missing-labels');
    const labels = fixture.blobs.uriOf('inputs/none.geojson');
    const raw = { imagery: fixture.server.tileTemplate, aoi: fixture.trainBBox, labels, zoom: FIXTURE_ZOOM };
    expect(await failure(runTask(prepareDatasetTask, raw, context))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `labels ${labels} do not exist`,
    });
  });

  it('prepare_dataset refuses an AOI over the area limit before reading imagery', async () => {
    const context = await fixture.context('big-aoi');
    const raw = {
      imagery: fixture.server.tileTemplate,
      aoi: [0, 0, 5, 5],
      labels: fixture.labelsUri,
      zoom: 19,
    };
    expect((await failure(runTask(prepareDatasetTask, raw, context))).code).toBe('LIMIT_EXCEEDED');
  });

  it('train refuses a base checkpoint URI outside the store', async () => {
    const context = await fixture.context('bad-base');
    const raw = { dataset: produced['dataset'], epochs: 1, base: 'file:///etc/passwd' };
    expect((await failure(runTask(trainTask, raw, context))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('train stops with the signal’s reason when the attempt is aborted', async () => {
    const context = await fixture.context('aborted-train');
    const signal = AbortSignal.abort(new AppError('TIMEOUT', 'attempt timed out'));
    const raw = { dataset: produced['dataset'], epochs: 1, base: 'none' };
    expect(await failure(runTask(trainTask, raw, { ...context, signal }))).toEqual({
      code: 'TIMEOUT',
      message: 'attempt timed out',
    });
  });

  it('register and resolve_model need the control plane hooks', async () => {
    const context = await fixture.context('no-hooks');
    const uri = fixture.blobs.uriOf('m/model.onnx');
    const register = { name: 'm', model: uri, model_card: uri, model_dir: uri, metrics: {} };
    expect((await failure(runTask(registerTask, register, context))).code).toBe('INTERNAL_ERROR');
    expect((await failure(runTask(resolveModelTask, { name: 'm' }, context))).code).toBe('INTERNAL_ERROR');
  });
});
