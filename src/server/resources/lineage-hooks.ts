/**
 * @module server/resources/lineage-hooks — what a model version registered by a training records about it: the
 * training's MLflow run (`run_id` of the version) and its fAIr dataset (`dataset_id`, the `derived_from` link of the
 * STAC item). Wraps the workflows' hooks of any local worker (`fair serve`, `fair worker`), which need only the
 * database.
 */
import { migrate } from '../../db/index.ts';
import type { Database } from '../../db/index.ts';
import type { ControlPlaneHooks } from '../../workflows/index.ts';
import { RESOURCES_DOMAIN, resourceMigrations } from './migrations.ts';
import { SqlTrainingStore } from './trainings/store.sql.ts';

/** Lookups from an execution to its training. */
export type TrainingLineage = {
  /** The training's tracking run, for `createRegistryHooks({ runOf })`. */
  runOf(executionId: string): Promise<{ runId: string } | undefined>;
  /** The training's dataset id. */
  datasetOf(executionId: string): Promise<string | undefined>;
};

/**
 * Opens the lookups (migrating the resources' tables).
 * @param db - the database
 * @returns the lookups; executions that are not trainings of the API give undefined
 * @throws AppError from the migrations
 */
export async function openTrainingLineage(db: Database): Promise<TrainingLineage> {
  await migrate(db, RESOURCES_DOMAIN, resourceMigrations);
  const store = new SqlTrainingStore(db);
  return {
    async runOf(executionId) {
      const runId = (await store.getTrainingByExecution(executionId))?.run_id;
      return runId === undefined || runId === null ? undefined : { runId };
    },
    async datasetOf(executionId) {
      return (await store.getTrainingByExecution(executionId))?.dataset_id;
    },
  };
}

/**
 * Hooks that add the training's dataset id to each registered version's source.
 * @param hooks - the registry-backed hooks (`createRegistryHooks(registry, { runOf: lineage.runOf })`)
 * @param lineage - the lookups
 * @returns the hooks for local workers
 */
export function withTrainingLineage(hooks: ControlPlaneHooks, lineage: TrainingLineage): ControlPlaneHooks {
  return {
    async registerModelVersion(record, at) {
      const datasetId = await lineage.datasetOf(at.executionId);
      const source = datasetId === undefined ? record.source : { ...record.source, dataset_id: datasetId };
      return hooks.registerModelVersion({ ...record, source }, at);
    },
    resolveModelVersion: (name, version) => hooks.resolveModelVersion(name, version),
  };
}
