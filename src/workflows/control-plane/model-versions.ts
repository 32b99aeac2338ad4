/**
 * @module workflows/control-plane/model-versions — the default ControlPlaneHooks: model versions numbered 1, 2, … per
 * name in the `model_versions` table, with the execution and node that produced each (the registry domain will
 * build stages and metadata on top).
 */
import type { Database } from '../../db/index.ts';
import { AppError, invalid, isAppError } from '../../shared/index.ts';
import type { ControlPlaneHooks, ModelVersionRecord } from '../task-definition.ts';

/**
 * Hooks backed by the `model_versions` table.
 * @param db - the migrated database
 * @returns the hooks that worker-placed tasks receive
 */
export function createModelVersionHooks(db: Database): ControlPlaneHooks {
  return {
    async registerModelVersion(record, lineage) {
      if (record.name.trim() === '') invalid('model name must not be empty');
      // Two registrations of one name at once may pick the same number: the primary key refuses one, which retries.
      for (let attempt = 1; ; attempt++) {
        try {
          const rows = await db.query<{ version: number }>(
            `INSERT INTO model_versions (name, version, record, execution_id, node_id)
             SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb, $3, $4 FROM model_versions WHERE name = $1
             RETURNING version`,
            [record.name, JSON.stringify(record), lineage.executionId, lineage.nodeId],
          );
          return { name: record.name, version: (rows[0] as { version: number }).version };
        } catch (error) {
          if (attempt >= 10 || !isAppError(error, 'CONFLICT')) throw error;
        }
      }
    },

    async resolveModelVersion(name, version) {
      const rows = await db.query<{ version: number; record: ModelVersionRecord }>(
        `SELECT version, record FROM model_versions WHERE name = $1 AND ($2::int IS NULL OR version = $2)
         ORDER BY version DESC LIMIT 1`,
        [name, version ?? null],
      );
      const row = rows[0];
      if (row) return { ...row.record, version: row.version };
      const known = await db.query<{ version: number }>(
        'SELECT version FROM model_versions WHERE name = $1 ORDER BY version',
        [name],
      );
      if (known.length === 0)
        throw new AppError('RESOURCE_DOES_NOT_EXIST', `model ${name} has no registered versions`);
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `model ${name} version ${version} is not registered (known versions: ${known.map((k) => k.version).join(', ')})`,
      );
    },
  };
}
