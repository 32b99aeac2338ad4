/**
 * `fair demo` as a real child process: the main job through the HTTP API of an in-process server (1 epoch), its JSON
 * summary (evaluation, model version promoted to Production, STAC item and MLflow run URLs, prediction scored
 * against the scene's truth) and the files it wrote.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFair } from '../test-support/run-fair.ts';

let dir: string | undefined;
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('fair demo', () => {
  it('runs dataset → training → promotion → prediction through the API and prints the summary', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fair-demo-'));
    const run = await runFair(['demo', '--epochs', '1', '--json', '--out', dir], {
      env: { DATABASE_URL: '', STORAGE_URL: '' },
      timeoutMs: 300_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      server: { url: string; data: string };
      training: { evaluation: Record<string, number>; mlflow_run: string };
      model: { name: string; version: number; stage: string; stac_item: string };
      prediction: { features: number; geojson: string; osm: string; object_f1_vs_truth: number };
    };
    expect(summary.model).toMatchObject({ name: 'demo-buildings', version: 1, stage: 'Production' });
    expect(summary.model.stac_item).toBe(
      `${summary.server.url}/stac/collections/local-models/items/demo-buildings-v1`,
    );
    expect(summary.training.mlflow_run).toMatch(/\/api\/2\.0\/mlflow\/runs\/get\?run_id=[0-9a-f]{32}$/);
    expect(summary.training.evaluation['object_f1']).toBeGreaterThanOrEqual(0.5);
    expect(summary.prediction.object_f1_vs_truth).toBeGreaterThan(0.8);
    const geojson = JSON.parse(await readFile(summary.prediction.geojson, 'utf8')) as { features: unknown[] };
    expect(geojson.features).toHaveLength(summary.prediction.features);
    expect(await readFile(summary.prediction.osm, 'utf8')).toMatch(/<osm /);
    expect(summary.server.data).toBe(path.join(dir, 'server'));
    expect(run.stderr).toMatch(/epoch 1: train_loss/);
  }, 320_000);
});
