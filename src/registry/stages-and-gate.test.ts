import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { isAppError } from '../shared/index.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { openTrackingFixture } from '../tracking/test-support/tracking-fixture.ts';
import { checkPublishThresholds, publishGateFailure } from './publish-gate.ts';
import { runMetricsFrom } from './run-metrics.ts';
import { createRegistryService } from './service.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

describe('publish gate configuration', () => {
  it('refuses a gate on pixel accuracy and non-finite thresholds', () => {
    expect(() => checkPublishThresholds({ pixel_accuracy: 0.9 })).toThrow(/pixel_accuracy is not allowed/);
    expect(() => checkPublishThresholds({ object_f1: Number.NaN })).toThrow(/finite/);
    expect(checkPublishThresholds({})).toEqual({});
  });

  it('names the first failing metric, missing or low', () => {
    expect(
      publishGateFailure({ object_f1: 0.7, pixel_iou: 0.2 }, { object_f1: 0.5, pixel_iou: 0.3 }),
    ).toEqual({
      metric: 'pixel_iou',
      value: 0.2,
      threshold: 0.3,
    });
    expect(publishGateFailure({}, { object_f1: 0.5 })).toEqual({
      metric: 'object_f1',
      value: undefined,
      threshold: 0.5,
    });
    expect(publishGateFailure({ object_f1: 0.5 }, { object_f1: 0.5 })).toBeUndefined();
  });
});

describe.each(testDatabaseEngines())('stages and the publish gate on $name', (engine) => {
  let f: RegistryFixture;
  const stageOf = async (version: string) => (await f.service.getModelVersion('gate', version)).current_stage;
  const transition = (version: string, stage: string, archive = false) =>
    f.call('POST', 'model-versions/transition-stage', {
      name: 'gate',
      version,
      stage,
      archive_existing_versions: archive,
    });

  beforeAll(async () => {
    f = await openRegistryFixture(engine);
    await f.service.createRegisteredModel({ name: 'gate' });
    const metrics = [
      { object_f1: 0.62, pixel_iou: 0.7 },
      { object_f1: 0.41, pixel_accuracy: 0.97 },
      { object_f1: 0.8 },
    ];
    for (const m of metrics)
      await f.service.createModelVersion({ name: 'gate', source: 'file:///m', fair: { metrics: m } });
    await f.service.createModelVersion({ name: 'gate', source: 'file:///m' });
  });
  afterAll(() => f.close());

  it('moves a version None → Staging (any letter case) and answers with the moved version', async () => {
    f.clock.now += 5;
    const { model_version: moved } = await transition('1', 'STAGING');
    expect(moved).toMatchObject({
      version: '1',
      current_stage: 'Staging',
      last_updated_timestamp: f.clock.now,
    });
  });

  it('promotes version 1 to Production when object_f1 meets the gate', async () => {
    await transition('1', 'Production');
    expect(await stageOf('1')).toBe('Production');
  });

  it('refuses Production for a version below the gate, naming the metric, value and threshold', async () => {
    const error = await transition('2', 'Production').catch((e: unknown) => e);
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toBe(
      'model gate version 2 cannot move to Production: object_f1 0.41 is below the publish threshold 0.5 (the gate needs object_f1 ≥ 0.5)',
    );
    expect((error as { details: unknown }).details).toEqual({
      metric: 'object_f1',
      value: 0.41,
      threshold: 0.5,
    });
    expect(await stageOf('2')).toBe('None');
  });

  it('refuses Production for a version without the metric (a high pixel accuracy does not count)', async () => {
    expect((await failure(transition('4', 'Production'))).message).toMatch(/it has no object_f1 metric/);
  });

  it('archives the previous Production version when another is promoted, even without archive_existing_versions', async () => {
    await transition('3', 'Production', false);
    expect(await stageOf('3')).toBe('Production');
    expect(await stageOf('1')).toBe('Archived');
    const latest = await f.service.getLatestVersions('gate', ['Production']);
    expect(latest.map((v) => v.version)).toEqual(['3']);
  });

  it('keeps several Staging versions unless archive_existing_versions is set', async () => {
    await transition('2', 'Staging');
    await transition('4', 'Staging');
    expect([await stageOf('2'), await stageOf('4')]).toEqual(['Staging', 'Staging']);
    await transition('1', 'Staging', true);
    expect([await stageOf('1'), await stageOf('2'), await stageOf('4')]).toEqual([
      'Staging',
      'Archived',
      'Archived',
    ]);
  });

  it('refuses archive_existing_versions for stage None or Archived, an unknown stage, and a missing flag', async () => {
    expect((await failure(transition('2', 'None', true))).message).toMatch(/'None' is not an Active stage/);
    expect((await failure(transition('2', 'Live'))).message).toMatch(/^Invalid Model Version stage: Live\./);
    const missing = await failure(
      f.call('POST', 'model-versions/transition-stage', { name: 'gate', version: '2', stage: 'Staging' }),
    );
    expect(missing.message).toMatch(/required parameter 'archive_existing_versions'/);
    expect((await failure(transition('99', 'Staging'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('moves a version back to None and to Archived without the gate', async () => {
    await transition('2', 'None');
    await transition('2', 'Archived');
    expect(await stageOf('2')).toBe('Archived');
  });

  it('gates on the tracking run metrics of a version registered with only a run_id', async () => {
    const runs: Record<string, Record<string, number>> = {
      good: { object_f1: 0.9 },
      poor: { object_f1: 0.1 },
    };
    const service = createRegistryService({
      store: f.store,
      runMetrics: async (runId) => runs[runId],
      publishThresholds: { object_f1: 0.6 },
    });
    await service.createRegisteredModel({ name: 'from-runs' });
    await service.createModelVersion({ name: 'from-runs', source: 'x', runId: 'poor' });
    await service.createModelVersion({ name: 'from-runs', source: 'x', runId: 'good' });
    const refused = await failure(
      service.transitionModelVersionStage('from-runs', '1', 'Production', { archiveExistingVersions: false }),
    );
    expect(refused.message).toMatch(/object_f1 0\.1 is below the publish threshold 0\.6/);
    const promoted = await service.transitionModelVersionStage('from-runs', '2', 'Production', {
      archiveExistingVersions: false,
    });
    expect(promoted.current_stage).toBe('Production');
  });

  it('reads the gate metrics of a real tracking run (eval_object_f1 counts as object_f1)', async () => {
    const tracking = await openTrackingFixture(engine);
    try {
      const run = await tracking.service.createRun({ experimentId: '0' });
      const runId = run.info.run_id;
      await tracking.service.logBatch(runId, {
        metrics: [
          { key: 'object_f1', value: 0.2, timestamp: 1, step: 0 },
          { key: 'eval_object_f1', value: 0.75, timestamp: 1, step: 0 },
        ],
      });
      const lookup = runMetricsFrom(tracking.service);
      expect(await lookup(runId)).toEqual({ object_f1: 0.75 });
      expect(await lookup('no-such-run')).toBeUndefined();
      const service = createRegistryService({ store: f.store, runMetrics: lookup });
      await service.createRegisteredModel({ name: 'tracked' });
      await service.createModelVersion({ name: 'tracked', source: 'x', runId });
      const v = await service.transitionModelVersionStage('tracked', '1', 'Production', {
        archiveExistingVersions: false,
      });
      expect(v.current_stage).toBe('Production');
    } finally {
      await tracking.close();
    }
  });

  it('lets a service with the gate turned off promote anything', async () => {
    const open = createRegistryService({ store: f.store, publishThresholds: {} });
    const v = await open.transitionModelVersionStage('gate', '4', 'Production', {
      archiveExistingVersions: false,
    });
    expect(v.current_stage).toBe('Production');
    expect(await stageOf('3')).toBe('Archived');
  });
});
