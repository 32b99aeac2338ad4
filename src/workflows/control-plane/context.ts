/** @module workflows/control-plane/context — what the control plane's parts share: database, blobs, registry. */
import type { Database, SqlClient } from '../../db/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { loadExecutionState } from './execution-state.ts';
import type { ExecutionState, LockedExecutionRow } from './execution-state.ts';
import { InputValidator } from './input-validator.ts';
import { Registry } from './registrations.ts';
import type { SchedulerDeps } from './scheduler.ts';

/** The shared parts of one control plane. */
export type ControlPlaneContext = SchedulerDeps & {
  db: Database;
  blobs: BlobStore;
  validator: InputValidator;
  /**
   * Locks and loads an execution (see `loadExecutionState`).
   * @returns the state, or undefined when there is no such execution
   */
  load(tx: SqlClient, executionId: string, locked?: LockedExecutionRow): Promise<ExecutionState | undefined>;
};

/**
 * Builds the shared context.
 * @param db - the migrated database
 * @param blobs - the blob store tasks write to
 * @returns the context
 */
export function createContext(db: Database, blobs: BlobStore): ControlPlaneContext {
  const registry = new Registry(db);
  const prefix = `${blobs.baseUri}/`;
  return {
    db,
    blobs,
    registry,
    validator: new InputValidator(),
    isBlobUri: (value) => value.startsWith(prefix) && value.length > prefix.length,
    load: (tx, executionId, locked) =>
      loadExecutionState(
        tx,
        executionId,
        async (name, version) => {
          const { spec } = await registry.workflow(`${name}@${version}`, tx);
          return { spec, order: registry.orderOf(spec) };
        },
        locked,
      ),
  };
}
