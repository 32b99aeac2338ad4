import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';
import { createTrainingTracker } from './training-tracker.ts';

/** A `metrics` event as train@1 emits it for one epoch. */
const epochEvent = (epoch: number, best: boolean) => ({
  type: 'metrics',
  data: {
    epoch,
    train_loss: 1 / epoch,
    val_loss: 1.5 / epoch,
    lr: 0.001,
    seconds: 12.5,
    best,
    pixel_iou: 0.5 + epoch / 10,
    object_f1: 0.4 + epoch / 10,
  },
});

describe.each(testDatabaseEngines())('training tracker on $name', (engine) => {
  let f: TrackingFixture;
  let clock = 1_720_000_000_000;
  beforeAll(async () => {
    f = await openTrackingFixture(engine, () => clock);
  });
  afterAll(() => f.close());

  it('records params, every epoch at step = epoch, the final evaluation and the outcome', async () => {
    const tracker = await createTrainingTracker(f.service, {
      experimentName: 'banepa',
      runName: 'finetune-1',
      tags: { 'fair.execution_id': 'ex-1' },
      now: () => clock,
    });
    await tracker.logParams({
      model: 'unet-s',
      epochs: 2,
      freeze_encoder: false,
      zoom: [19, 20],
      aoi: undefined,
      base: null,
    });
    for (const epoch of [1, 2]) {
      clock += 60_000;
      expect(await tracker.handleEvent(epochEvent(epoch, epoch === 2))).toBe(true);
    }
    await tracker.logEvaluation({ pixel_iou: 0.81, object_f1: 0.77, chips: 'n/a' });
    clock += 1000;
    await tracker.finish();

    const run = await f.service.getRun(tracker.runId);
    expect(run.info).toMatchObject({ status: 'FINISHED', end_time: clock, run_name: 'finetune-1' });
    expect((await f.service.getExperimentByName('banepa')).experiment_id).toBe(tracker.experimentId);
    expect(run.data.params).toEqual([
      { key: 'epochs', value: '2' },
      { key: 'freeze_encoder', value: 'false' },
      { key: 'model', value: 'unet-s' },
      { key: 'zoom', value: '[19,20]' },
    ]);
    expect(run.data.tags).toContainEqual({ key: 'fair.execution_id', value: 'ex-1' });
    expect(run.data.metrics.map((m) => m.key)).toEqual([
      'eval_object_f1',
      'eval_pixel_iou',
      'lr',
      'object_f1',
      'pixel_iou',
      'seconds',
      'train_loss',
      'val_loss',
    ]);
    const history = await f.service.getMetricHistory(tracker.runId, 'val_loss');
    expect(history.items.map((m) => [m.step, m.value])).toEqual([
      [1, 1.5],
      [2, 0.75],
    ]);
    expect(run.data.metrics.find((m) => m.key === 'eval_pixel_iou')).toMatchObject({ value: 0.81, step: 2 });
  });

  it('reads the stored form of the event (task.metrics with node, time and attempt) and filters by node', async () => {
    const tracker = await createTrainingTracker(f.service, { experimentName: 'banepa', nodeId: 'train' });
    const at = new Date(1_720_000_500_000);
    const stored = { ...epochEvent(3, true), type: 'task.metrics', nodeId: 'train', at };
    stored.data = { ...stored.data, attempt: 2 } as typeof stored.data;
    expect(await tracker.handleEvent(stored)).toBe(true);
    expect(await tracker.handleEvent({ ...stored, nodeId: 'evaluate' })).toBe(false);
    expect(await tracker.handleEvent({ type: 'node.SUCCEEDED', nodeId: 'train', data: {} })).toBe(false);
    expect(await tracker.handleEvent({ type: 'metrics', data: { loss: 1 } })).toBe(false);
    const run = await f.service.getRun(tracker.runId);
    expect(run.data.metrics.map((m) => m.key)).not.toContain('attempt');
    expect(run.data.metrics.find((m) => m.key === 'pixel_iou')).toEqual({
      key: 'pixel_iou',
      value: 0.8,
      timestamp: at.getTime(),
      step: 3,
    });
    await tracker.finish('FAILED');
    expect((await f.service.getRun(tracker.runId)).info.status).toBe('FAILED');
  });

  it('refuses to log into a deleted experiment', async () => {
    const id = await f.service.createExperiment({ name: 'retired' });
    await f.service.deleteExperiment(id);
    expect(
      (await failure(createTrainingTracker(f.service, { experimentName: 'retired' }))).message,
    ).toContain("experiment 'retired' is deleted");
  });

  it('continues an existing run, keeping replayed epochs once', async () => {
    const first = await createTrainingTracker(f.service, { experimentName: 'resumed', now: () => clock });
    const stored = (epoch: number) => ({ ...epochEvent(epoch, false), at: new Date(clock + epoch) });
    await first.handleEvent(stored(1));
    const again = await createTrainingTracker(f.service, {
      experimentName: 'ignored when continuing',
      runId: first.runId,
      now: () => clock,
    });
    expect([again.runId, again.experimentId]).toEqual([first.runId, first.experimentId]);
    for (const epoch of [1, 2]) await again.handleEvent(stored(epoch));
    await again.logEvaluation({ object_f1: 0.7 });
    const history = await f.service.getMetricHistory(first.runId, 'train_loss');
    expect(history.items.map((m) => m.step)).toEqual([1, 2]);
    expect((await f.service.getMetricHistory(first.runId, 'eval_object_f1')).items[0]?.step).toBe(2);
    expect(
      (await failure(createTrainingTracker(f.service, { experimentName: 'x', runId: 'no-such-run' }))).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
