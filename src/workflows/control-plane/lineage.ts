/**
 * @module workflows/control-plane/lineage — which execution, workflow version, node, task version and inputs produced
 * an artifact, and recursively the lineage of each blob among those inputs. Artifacts are the blob URIs found in a
 * node's outputs when it succeeded (cached and reused nodes point at the original producer).
 */
import { AppError } from '../../shared/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import type { ControlPlaneContext } from './context.ts';
import { blobUris } from './scheduler.ts';
import type { Lineage } from './views.ts';

/** Deepest chain of producers followed. */
const MAX_DEPTH = 32;

type ProducerRow = {
  uri: string;
  execution_id: string;
  node_id: string;
  output: string;
  created_at: Date;
  workflow_name: string;
  workflow_version: string;
  task: string;
  inputs: Record<string, JsonValue> | null;
};

/**
 * The lineage of an artifact.
 * @param ctx - the control plane's parts
 * @param uri - a blob URI a task produced, or a URI inside a prefix (directory) a task produced
 * @returns the producer and, recursively, the producers of its input blobs
 * @throws AppError RESOURCE_DOES_NOT_EXIST when no workflow task produced the URI
 */
export async function lineageOf(ctx: ControlPlaneContext, uri: string): Promise<Lineage> {
  const found = await trace(ctx, uri, new Set(), 0);
  if (found === null) {
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `no lineage is recorded for ${uri}: no workflow task produced it`,
    );
  }
  return found;
}

async function trace(
  ctx: ControlPlaneContext,
  uri: string,
  seen: Set<string>,
  depth: number,
): Promise<Lineage | null> {
  const rows = await ctx.db.query<ProducerRow>(
    `SELECT a.uri, a.execution_id, a.node_id, a.output, a.created_at, e.workflow_name, e.workflow_version, n.task,
            n.inputs
     FROM artifacts a
     JOIN executions e ON e.id = a.execution_id
     JOIN node_executions n ON n.execution_id = a.execution_id AND n.node_id = a.node_id
     WHERE a.uri = $1 OR (right(a.uri, 1) = '/' AND starts_with($1, a.uri))
     ORDER BY length(a.uri) DESC, a.created_at LIMIT 1`,
    [uri],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const key = `${row.execution_id}/${row.node_id}`;
  const inputs = row.inputs ?? {};
  const sources: Lineage['sources'] = [];
  if (!seen.has(key) && depth < MAX_DEPTH) {
    const next = new Set(seen).add(key);
    for (const [input, value] of Object.entries(inputs)) {
      for (const source of blobUris(value, ctx.isBlobUri)) {
        sources.push({ input, uri: source, lineage: await trace(ctx, source, next, depth + 1) });
      }
    }
  }
  return {
    uri,
    producedAs: row.uri,
    executionId: row.execution_id,
    workflow: `${row.workflow_name}@${row.workflow_version}`,
    nodeId: row.node_id,
    output: row.output,
    task: row.task,
    inputs,
    producedAt: row.created_at,
    sources,
  };
}
