/**
 * @module workflows/builtin/health-check-workflow — `health-check@1`: one `noop` node, to check that workers pick up
 * and finish work (`fair workflow run health-check --follow`).
 */
import { z } from 'zod';
import { taskRef } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { noopTask } from './noop-task.ts';

const inputs = z.object({
  value: z.json().optional().describe('any JSON value, returned as the output value (default null)'),
});

/** `health-check@1`: a single no-op task that returns its input. */
export const healthCheckWorkflow: WorkflowDefinition<z.infer<typeof inputs>> = {
  name: 'health-check',
  version: '1',
  description: 'Runs one no-op task and returns its input: checks that a worker picks up and finishes work.',
  inputs,
  nodes: [{ id: 'noop', task: taskRef(noopTask), inputs: { value: { input: 'value' } } }],
  outputs: { value: { node: 'noop', output: 'value' } },
};
