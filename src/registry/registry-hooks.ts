/**
 * @module registry/registry-hooks — the registry as the workflows' `ControlPlaneHooks`: the `register` task records
 * a version (creating the registered model on first use) linked to its execution, dataset, base model and run; the
 * `resolve_model` task finds one. Pass them to the local worker instead of the control plane's default table.
 */
import { isAppError, invalid } from '../shared/index.ts';
import type { ControlPlaneHooks, ModelVersionRecord } from '../workflows/index.ts';
import type { ModelVersion } from './entities.ts';
import type { RegistryService } from './registry-service.ts';
import { filterLiteral, resolveModelVersion } from './resolve-version.ts';

/** Tag keys of the lineage that MLflow clients see (and can filter on: ``tags.`fair.execution_id` = '…'``). */
export const LINEAGE_TAGS = { executionId: 'fair.execution_id', nodeId: 'fair.node_id' } as const;

/** Options of {@link createRegistryHooks}. */
export type RegistryHooksOptions = {
  /** The tracking run of an execution (`run_id`, `run_link` of the version), default none. */
  runOf?: (executionId: string) => Promise<{ runId: string; runLink?: string } | undefined>;
  /** Owner of registered models the hooks create, by execution, default none. */
  ownerOf?: (executionId: string) => Promise<string | undefined>;
  /**
   * What `resolveModelVersion(name)` picks without a version: `latest` (default: the highest version number, as
   * the default hooks do) or `production` (the Production version, else the highest).
   */
  resolve?: 'latest' | 'production';
};

/**
 * Registry-backed control-plane hooks.
 * @param service - the registry service
 * @param options - run lookup, owner lookup, resolution rule
 * @returns the hooks for `createLocalWorker({ hooks })`
 * @example
 * const worker = createLocalWorker({ protocol: runtime.controlPlane, tasks: runtime.tasks, catalogModule: builtinCatalogModule,
 *   blobs: runtime.blobs, config, hooks: createRegistryHooks(registry) });
 */
export function createRegistryHooks(
  service: RegistryService,
  options: RegistryHooksOptions = {},
): ControlPlaneHooks {
  return {
    async registerModelVersion(record, lineage) {
      if (record.name.trim() === '') invalid('model name must not be empty');
      const done = await versionOfNode(service, record.name, lineage);
      if (done !== undefined) return { name: record.name, version: Number(done.version) };
      // The execution's launcher owns a new model and is the user of every version it registers.
      const launcher = await options.ownerOf?.(lineage.executionId);
      await ensureModel(service, record.name, launcher);
      const run = await options.runOf?.(lineage.executionId);
      const source = record.source;
      const training = isRecord(source['training']) ? source['training'] : {};
      const created = await service.createModelVersion({
        name: record.name,
        source: sourceOf(record),
        runId: run?.runId,
        runLink: run?.runLink,
        userId: launcher,
        tags: [
          { key: LINEAGE_TAGS.executionId, value: lineage.executionId },
          { key: LINEAGE_TAGS.nodeId, value: lineage.nodeId },
        ],
        fair: {
          execution_id: lineage.executionId,
          node_id: lineage.nodeId,
          dataset_uri: stringOrNull(source['dataset']),
          dataset_id: stringOrNull(source['dataset_id']),
          base_model_id: stringOrNull(source['base_model']) ?? stringOrNull(training['model']),
          metrics: record.metrics,
          artifacts: record.artifacts,
          training,
        },
      });
      return { name: record.name, version: Number(created.version) };
    },

    async resolveModelVersion(name, version) {
      return recordOf(
        await resolveModelVersion(service, name, {
          version,
          preferProduction: options.resolve === 'production',
        }),
      );
    },
  };
}

/** The version a node already registered (a retried `register` attempt must not add a second one). */
async function versionOfNode(
  service: RegistryService,
  name: string,
  lineage: { executionId: string; nodeId: string },
): Promise<ModelVersion | undefined> {
  const page = await service.searchModelVersions({
    filter:
      `name = ${filterLiteral(name)} AND tags.\`${LINEAGE_TAGS.executionId}\` = ${filterLiteral(lineage.executionId)}` +
      ` AND tags.\`${LINEAGE_TAGS.nodeId}\` = ${filterLiteral(lineage.nodeId)}`,
    maxResults: 1,
  });
  return page.items[0];
}

async function ensureModel(
  service: RegistryService,
  name: string,
  ownerId: string | undefined,
): Promise<void> {
  try {
    await service.createRegisteredModel({ name, ownerId });
  } catch (error) {
    if (!isAppError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
  }
}

/** The version's `source`: the model folder, else the folder of `model.onnx`, else its first artifact. */
function sourceOf(record: ModelVersionRecord): string {
  const { artifacts } = record;
  const onnx = artifacts['model.onnx'];
  const source =
    artifacts['model_dir'] ??
    (onnx === undefined ? undefined : onnx.slice(0, onnx.lastIndexOf('/') + 1)) ??
    Object.values(artifacts)[0];
  if (source === undefined || source === '') invalid(`model ${record.name} has no artifacts to register`);
  return source;
}

/** A version as the workflows see it; a version without artifacts (MLflow API) offers its source as `model_dir`. */
function recordOf(version: ModelVersion): ModelVersionRecord & { version: number } {
  const { fair } = version;
  const artifacts =
    Object.keys(fair.artifacts).length > 0
      ? fair.artifacts
      : { model_dir: version.source.endsWith('/') ? version.source : `${version.source}/` };
  const source: Record<string, unknown> = { training: fair.training };
  if (fair.dataset_uri !== null) source['dataset'] = fair.dataset_uri;
  if (fair.dataset_id !== null) source['dataset_id'] = fair.dataset_id;
  if (fair.base_model_id !== null) source['base_model'] = fair.base_model_id;
  if (fair.execution_id !== null) source['execution_id'] = fair.execution_id;
  if (version.run_id !== null) source['run_id'] = version.run_id;
  return { name: version.name, version: Number(version.version), artifacts, metrics: fair.metrics, source };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
