/**
 * @module workflows/control-plane/cache — task result cache as Flyte keys it: task name, cacheVersion, interface
 * hash and input hash. A hit skips the task and reuses the outputs recorded by the run that produced them.
 */
import type { SqlClient } from '../../db/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import { interfaceHash } from './specs.ts';
import type { TaskSpec } from './specs.ts';

/** A cached result and where it was produced. */
export type CacheHit = { outputs: Record<string, JsonValue>; executionId: string; nodeId: string };

/**
 * The cache key of a task run: sha256 of the JSON array [task name, cacheVersion, interface hash, input hash], the
 * input hash being the sha256 of the canonical JSON (sorted keys) of the resolved inputs.
 * @param task - the task spec
 * @param inputs - the resolved inputs
 * @returns 64 hex digits
 */
export function cacheKey(task: TaskSpec, inputs: Record<string, JsonValue>): string {
  return sha256Hex(
    JSON.stringify([task.name, task.cacheVersion, interfaceHash(task), sha256Hex(canonicalJson(inputs))]),
  );
}

/**
 * Looks up several cache keys at once.
 * @param tx - a database client
 * @param keys - cache keys
 * @returns the hits by key
 */
export async function lookupCache(tx: SqlClient, keys: readonly string[]): Promise<Map<string, CacheHit>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{
    cache_key: string;
    outputs: Record<string, JsonValue>;
    execution_id: string;
    node_id: string;
  }>(
    `SELECT cache_key, outputs, execution_id, node_id FROM cache_entries
     WHERE cache_key IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(keys)],
  );
  return new Map(
    rows.map((r) => [r.cache_key, { outputs: r.outputs, executionId: r.execution_id, nodeId: r.node_id }]),
  );
}
