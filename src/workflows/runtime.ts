/**
 * @module workflows/runtime — the composition root of workflows for one process: opens the database and the blob
 * store from the configuration, migrates the workflow tables, creates the control plane and registers the task
 * catalog and workflows (default: the shipped ones).
 */
import { migrate, openDatabase } from '../db/index.ts';
import type { Database } from '../db/index.ts';
import type { Config } from '../shared/index.ts';
import { createBlobStore } from '../storage/index.ts';
import type { BlobStore } from '../storage/index.ts';
import { createControlPlane } from './control-plane/control-plane.ts';
import type { ControlPlane } from './control-plane/control-plane.ts';
import { workflowMigrations } from './control-plane/migrations.ts';
import type { TaskDefinition } from './task-definition.ts';
import type { WorkflowDefinition } from './workflow-definition.ts';

/** What `openWorkflowRuntime` registers and how. */
export type WorkflowRuntimeOptions = {
  /** Task catalog of this process, default the shipped tasks (`builtinTasks`). */
  tasks?: readonly TaskDefinition[];
  /** Workflows to register, default the shipped ones (`builtinWorkflows`). */
  workflows?: readonly WorkflowDefinition[];
  /** Register the tasks and workflows (default true; false only opens and migrates). */
  register?: boolean;
};

/** An open workflow runtime: close it to release the database (PGlite is single-process). */
export type WorkflowRuntime = {
  db: Database;
  blobs: BlobStore;
  controlPlane: ControlPlane;
  /** The task catalog it registered (executors run these). */
  tasks: readonly TaskDefinition[];
  /** Stops the control plane's subscriptions and closes the database. */
  close(): Promise<void>;
};

/**
 * Opens the database (`config.databaseUrl`, embedded PGlite in `<dataDir>/db` by default) and the blob store
 * (`config.storageUrl`, `file://<dataDir>/blobs` by default), migrates the `workflows` tables, creates the control
 * plane and registers the catalog and workflows.
 * @param config - the process configuration (`loadConfig()`)
 * @param options - catalog and workflows (default the shipped ones), `register` (default true)
 * @returns the runtime; call `close()` when done
 * @throws AppError CONFLICT when the embedded database is in use by another process, or when a registration changed
 *   under an existing version (RESOURCE_ALREADY_EXISTS); the errors of `openDatabase`/`createBlobStore` for bad URLs
 * @example
 * const runtime = await openWorkflowRuntime(loadConfig());
 * try {
 *   const id = await runtime.controlPlane.launch('building-prediction', inputs);
 * } finally {
 *   await runtime.close();
 * }
 */
export async function openWorkflowRuntime(
  config: Config,
  options: WorkflowRuntimeOptions = {},
): Promise<WorkflowRuntime> {
  const blobs = await createBlobStore(config.storageUrl, { dataDir: config.dataDir, s3: config.s3 });
  const db = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
  try {
    await migrate(db, 'workflows', workflowMigrations);
    let { tasks, workflows } = options;
    if (tasks === undefined || workflows === undefined) {
      const builtin = await import('./builtin/index.ts');
      tasks ??= builtin.builtinTasks;
      workflows ??= builtin.builtinWorkflows;
    }
    const controlPlane = createControlPlane({ db, blobs, tasks });
    if (options.register !== false) await controlPlane.registerAll(tasks, workflows);
    return {
      db,
      blobs,
      controlPlane,
      tasks,
      async close() {
        try {
          await controlPlane.close();
        } finally {
          await db.close();
        }
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
