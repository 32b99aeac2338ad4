import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { openDatabase } from '../db/index.ts';
import { createRegistryService, openSqlRegistryStore } from '../registry/index.ts';
import type { ModelVersion, RegistryService } from '../registry/index.ts';
import { createStacValidator } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import { baseModelItemOf, modelVersionItem } from './registry-items.ts';
import { STAC_SCHEMAS_DIR, baseModelItems, shippedCard } from './test-support/stac-fixtures.ts';

describe('items from the registry', () => {
  let db: Database;
  let registry: RegistryService;
  let validator: StacValidator;
  let versions: ModelVersion[];

  beforeAll(async () => {
    db = await openDatabase('pglite://memory', { dataDir: '/tmp' });
    validator = await createStacValidator(STAC_SCHEMAS_DIR);
    registry = createRegistryService({ store: await openSqlRegistryStore(db), stacValidator: validator });
    await registry.createRegisteredModel({ name: 'banepa-buildings' });
    for (const f1 of [0.55, 0.62, 0.4]) {
      await registry.createModelVersion({
        name: 'banepa-buildings',
        source: 's3://fair/models/banepa/',
        runId: `run-${f1}`,
        userId: 'osm:7',
        fair: {
          execution_id: 'exec-1',
          dataset_id: 'banepa',
          base_model_id: 'unet-s',
          metrics: { object_f1: f1, pixel_iou: 0.7 },
          artifacts: {
            'model.onnx': 's3://fair/models/banepa/model.onnx',
            'model.json': 's3://fair/models/banepa/model.json',
            checkpoint: 's3://fair/models/banepa/checkpoint.safetensors',
          },
        },
      });
    }
    await registry.transitionModelVersionStage('banepa-buildings', '1', 'Production', {
      archiveExistingVersions: false,
    });
    await registry.transitionModelVersionStage('banepa-buildings', '2', 'Production', {
      archiveExistingVersions: false,
    });
    versions = await Promise.all(['1', '2', '3'].map((v) => registry.getModelVersion('banepa-buildings', v)));
  });
  afterAll(() => db.close());

  const options = {
    artifactHref: (uri: string) => uri.replace('s3://fair/', 'https://fair.example.org/artifacts/'),
    runUrl: (runId: string) => `https://fair.example.org/mlflow/#/runs/${runId}`,
  };

  it('builds a valid item for every version, linked to its neighbours, lineage and run', () => {
    const items = versions.map((v) => modelVersionItem(v, { versions, card: shippedCard(), ...options }));
    for (const item of items) expect(validator.validate(item).errors).toEqual([]);
    const [first, second, third] = items;
    const rels = (i: typeof first) => Object.fromEntries((i?.links ?? []).map((l) => [l.rel, l.href]));
    expect(rels(second)).toMatchObject({
      'predecessor-version': '../../local-models/items/banepa-buildings-v1',
      'successor-version': '../../local-models/items/banepa-buildings-v3',
      'latest-version': '../../local-models/items/banepa-buildings-v3',
      'mlflow-run': 'https://fair.example.org/mlflow/#/runs/run-0.62',
    });
    expect(second?.links.filter((l) => l.rel === 'derived_from').map((l) => l.href)).toEqual([
      '../../base-models/items/unet-s',
      '../../datasets/items/banepa',
    ]);
    expect(rels(first)['predecessor-version']).toBeUndefined();
    expect(rels(third)['successor-version']).toBeUndefined();
    expect(second?.assets['model']?.href).toBe('https://fair.example.org/artifacts/models/banepa/model.onnx');
    expect(second?.properties).toMatchObject({
      'fair:stage': 'Production',
      deprecated: false,
      'fair:object_f1': 0.62,
      'fair:execution_id': 'exec-1',
      'fair:user_id': 'osm:7',
      version: '2',
    });
    // Promoting version 2 archived version 1: archived versions are deprecated.
    expect(first?.properties).toMatchObject({ 'fair:stage': 'Archived', deprecated: true });
  });

  it('builds valid items for the built-in base models that ship an ONNX, and keeps imported items', async () => {
    const bases = await registry.listBaseModels();
    const builtins = bases.map((b) => baseModelItemOf(b, options));
    const shipped = builtins.filter((i) => i !== undefined);
    expect(shipped.map((i) => i.id)).toContain('unet-s');
    for (const item of shipped) expect(validator.validate(item).errors).toEqual([]);
    const [, yolo] = baseModelItems();
    if (yolo === undefined) throw new Error('no fixture');
    const imported = await registry.importBaseModel({ ...yolo, collection: undefined, links: [] });
    const item = baseModelItemOf(imported.baseModel, options);
    expect(item?.id).toBe('yolo-buildings');
    expect(item?.collection).toBe('base-models');
    expect(validator.validate(item).errors).toEqual([]);
  });
});
