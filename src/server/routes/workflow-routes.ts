/** @module server/routes/workflow-routes — registered workflows: list them, describe one (inputs schema, nodes). */
import { z } from 'zod';
import type { WorkflowSummary, WorkflowView } from '../../workflows/index.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import type { RouteDeps } from './route-deps.ts';

const refParams = z.object({
  ref: z.string().min(1).max(200).describe('`name` (latest version) or `name@version`'),
});

/**
 * The workflow routes.
 * @param deps - the control plane
 * @returns list and describe
 */
export function workflowRoutes(deps: RouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/workflows',
      operationId: 'listWorkflows',
      summary: 'registered workflows with their versions',
      tags: ['workflows'],
      handler: () => listWorkflows(deps),
    }),
    route({
      method: 'GET',
      url: '/api/workflows/:ref',
      operationId: 'getWorkflow',
      summary: 'a workflow: its inputs (JSON Schema), nodes with their task interfaces, outputs',
      tags: ['workflows'],
      params: refParams,
      handler: ({ params }) => getWorkflow(deps, params.ref),
    }),
  ];
}

async function listWorkflows(deps: RouteDeps): Promise<{ items: WorkflowSummary[] }> {
  return { items: await deps.controlPlane.listWorkflows() };
}

async function getWorkflow(deps: RouteDeps, ref: string): Promise<WorkflowView> {
  return deps.controlPlane.getWorkflow(ref);
}
