/**
 * @module workflows/test-support/executor-workflows — small workflows over the test catalog (`test-tasks.ts`) that
 * the executor tests launch: a DAG passing inline values and blob references, and one workflow per behaviour.
 */
import { z } from 'zod';
import type { WorkflowDefinition } from '../workflow-definition.ts';

/** `chain@1`: (x + 1) + 10, and a text written to a blob then read back. */
export const chainWorkflow: WorkflowDefinition = {
  name: 'chain',
  version: '1',
  description: 'Adds twice and passes a text through a blob.',
  inputs: z.object({ x: z.number(), text: z.string() }),
  nodes: [
    { id: 'first', task: 'add@1', inputs: { a: { input: 'x' }, b: { value: 1 } } },
    { id: 'second', task: 'add@1', inputs: { a: { node: 'first', output: 'sum' }, b: { value: 10 } } },
    { id: 'write', task: 'write-text@1', inputs: { text: { input: 'text' } } },
    { id: 'read', task: 'read-text@1', inputs: { uri: { node: 'write', output: 'uri' } } },
  ],
  outputs: { sum: { node: 'second', output: 'sum' }, text: { node: 'read', output: 'text' } },
};

/** A one-node workflow `<task>@1` whose launch inputs are the task's inputs. */
function single(task: string, inputs: z.ZodObject, names: readonly string[]): WorkflowDefinition {
  return {
    name: `single-${task}`,
    version: '1',
    description: `Runs ${task}@1 once.`,
    inputs,
    nodes: [{ id: task, task: `${task}@1`, inputs: Object.fromEntries(names.map((n) => [n, { input: n }])) }],
    outputs: {},
  };
}

/** `single-echo@1`: logs and emits a text. */
export const echoWorkflow = single('echo', z.object({ text: z.string() }), ['text']);
/** `single-fail@1`: fails `failures` times (2 retries). */
export const failWorkflow = single(
  'fail',
  z.object({ counterFile: z.string(), failures: z.number(), retryable: z.boolean() }),
  ['counterFile', 'failures', 'retryable'],
);
/** `single-hang@1`: hangs past its 1 s timeout. */
export const hangWorkflow = single('hang', z.object({ pidFile: z.string() }), ['pidFile']);
/** `single-sleep@1`: sleeps `ms`. */
export const sleepWorkflow = single('sleep', z.object({ ms: z.number(), pidFile: z.string() }), [
  'ms',
  'pidFile',
]);
/** `single-crash@1`: kills its process. */
export const crashWorkflow = single('crash', z.object({ mode: z.enum(['exit', 'kill']) }), ['mode']);
/** `single-register-model@1`: registers a model version through the worker's hooks. */
export const registerModelWorkflow = single('register-model', z.object({ name: z.string() }), ['name']);

/** `slow-pipeline@1`: a long task writing one blob at its end, then a reader of that blob. */
export const slowPipelineWorkflow: WorkflowDefinition = {
  name: 'slow-pipeline',
  version: '1',
  description: 'Writes a blob slowly, then reads it.',
  inputs: z.object({ ms: z.number(), text: z.string(), pidFile: z.string() }),
  nodes: [
    {
      id: 'write',
      task: 'slow-write@1',
      inputs: { ms: { input: 'ms' }, text: { input: 'text' }, pidFile: { input: 'pidFile' } },
    },
    { id: 'read', task: 'read-text@1', inputs: { uri: { node: 'write', output: 'uri' } } },
  ],
  outputs: { text: { node: 'read', output: 'text' }, uri: { node: 'write', output: 'uri' } },
};

/** Every executor test workflow. */
export const executorWorkflows: readonly WorkflowDefinition[] = [
  chainWorkflow,
  echoWorkflow,
  failWorkflow,
  hangWorkflow,
  sleepWorkflow,
  crashWorkflow,
  registerModelWorkflow,
  slowPipelineWorkflow,
];
