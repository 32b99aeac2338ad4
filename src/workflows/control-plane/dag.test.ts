import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import { validateWorkflow, topologicalOrder } from './dag.ts';
import { taskSpecOf, workflowSpecOf } from './specs.ts';
import { addTask } from './test-support/control-plane-fixture.ts';
import type { WorkflowDefinition, WorkflowNode } from '../workflow-definition.ts';

const tasks = new Map([['add@1', taskSpecOf(addTask)]]);

function workflow(nodes: WorkflowNode[], outputs: WorkflowDefinition['outputs'] = {}): WorkflowDefinition {
  return { name: 'w', version: '1', description: '', inputs: z.object({ x: z.number() }), nodes, outputs };
}

async function problem(definition: WorkflowDefinition): Promise<{ code: string; message: string }> {
  return failure(Promise.resolve().then(() => validateWorkflow(workflowSpecOf(definition), tasks)));
}

describe('workflow validation', () => {
  it('orders nodes topologically, declaration order among independent ones', () => {
    const order = validateWorkflow(
      workflowSpecOf(
        workflow([
          {
            id: 'd',
            task: 'add@1',
            inputs: { a: { node: 'b', output: 'sum' }, b: { node: 'c', output: 'sum' } },
          },
          { id: 'b', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } },
          { id: 'c', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } },
          { id: 'a', task: 'add@1', inputs: { a: { input: 'x' } } },
        ]),
      ),
      tasks,
    );
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('names a cycle in data-flow order', async () => {
    const { code, message } = await problem(
      workflow([
        { id: 'a', task: 'add@1', inputs: { a: { node: 'c', output: 'sum' } } },
        { id: 'b', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } },
        { id: 'c', task: 'add@1', inputs: { a: { node: 'b', output: 'sum' } } },
      ]),
    );
    expect(code).toBe('INVALID_PARAMETER_VALUE');
    expect(message).toContain('cycle: a → b → c → a');
  });

  it('names a two-node cycle', () => {
    expect(() =>
      topologicalOrder({
        name: 'w',
        version: '1',
        nodes: [
          { id: 'a', task: 'add@1', inputs: { a: { node: 'b', output: 'sum' } } },
          { id: 'b', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } },
        ],
      }),
    ).toThrow('a → b → a');
  });

  it('refuses a node bound to itself', async () => {
    const { message } = await problem(
      workflow([{ id: 'a', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } }]),
    );
    expect(message).toContain('a → a');
  });

  it('refuses duplicate node ids', async () => {
    const { message } = await problem(
      workflow([
        { id: 'a', task: 'add@1', inputs: { a: { input: 'x' } } },
        { id: 'a', task: 'add@1', inputs: { a: { input: 'x' } } },
      ]),
    );
    expect(message).toContain('node id a appears twice');
  });

  it('refuses an unbound required input', async () => {
    const { message } = await problem(workflow([{ id: 'a', task: 'add@1', inputs: { b: { value: 1 } } }]));
    expect(message).toContain('required input a of node a (add@1) is not bound');
  });

  it('accepts an unbound input that has a default', () => {
    expect(
      validateWorkflow(
        workflowSpecOf(workflow([{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' } } }])),
        tasks,
      ),
    ).toEqual(['n']);
  });

  it('refuses an input the task does not have', async () => {
    const { message } = await problem(
      workflow([{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' }, c: { value: 1 } } }]),
    );
    expect(message).toContain('input c of node n is not an input of task add@1 (inputs: a, b)');
  });

  it('refuses a binding to a missing workflow input', async () => {
    const { message } = await problem(workflow([{ id: 'n', task: 'add@1', inputs: { a: { input: 'y' } } }]));
    expect(message).toContain('bound to workflow input y, which does not exist (inputs: x)');
  });

  it('refuses a binding to a missing node or output', async () => {
    const missingNode = await problem(
      workflow([{ id: 'n', task: 'add@1', inputs: { a: { node: 'm', output: 'sum' } } }]),
    );
    expect(missingNode.message).toContain('bound to node m, which does not exist');
    const missingOutput = await problem(
      workflow([
        { id: 'm', task: 'add@1', inputs: { a: { input: 'x' } } },
        { id: 'n', task: 'add@1', inputs: { a: { node: 'm', output: 'total' } } },
      ]),
    );
    expect(missingOutput.message).toContain(
      'output total of node m, which task add@1 does not have (outputs: sum)',
    );
  });

  it('refuses a workflow output bound to nothing that exists', async () => {
    const { message } = await problem(
      workflow([{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' } } }], {
        total: { node: 'n', output: 'nope' },
      }),
    );
    expect(message).toContain('output total is bound to output nope of node n');
  });

  it('refuses a malformed binding', async () => {
    const bad = { node: 'n' } as unknown as WorkflowNode['inputs'][string];
    const { message } = await problem(workflow([{ id: 'n', task: 'add@1', inputs: { a: bad } }]));
    expect(message).toContain('malformed binding');
  });
});
