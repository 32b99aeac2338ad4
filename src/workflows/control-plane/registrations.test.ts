import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import { defineTask } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { addTask, drive, openFixture, taskHandler } from './test-support/control-plane-fixture.ts';
import type { Fixture } from './test-support/control-plane-fixture.ts';

// One fixture per engine: every test registers names of its own, so no test sees another's registrations.
describe.each(testDatabaseEngines())('registrations on $name', (engine) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await openFixture(engine);
  });
  afterAll(() => f.close());

  const echo = (version: string, timeoutMs = 1000) =>
    defineTask({
      name: 'echo',
      version,
      description: 'Echoes.',
      inputs: z.object({ v: z.number() }),
      outputs: z.object({ v: z.number() }),
      timeoutMs,
      run: async (i) => i,
    });
  const single = (name: string, version: string, task: string): WorkflowDefinition => ({
    name,
    version,
    description: `${name} ${version}`,
    inputs: z.object({ v: z.number() }),
    nodes: [{ id: 'only', task, inputs: { v: { input: 'v' } } }],
    outputs: { v: { node: 'only', output: 'v' } },
  });

  it('registers a task once: identical content is a no-op, changed content is refused with a diff', async () => {
    const first = await f.cp.registerTask(echo('1'));
    expect(first).toMatchObject({ name: 'echo', version: '1', created: true });
    expect(await f.cp.registerTask(echo('1'))).toEqual({ ...first, created: false });
    const { code, message } = await failure(f.cp.registerTask(echo('1', 2000)));
    expect(code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(message).toContain(
      'task echo@1 is already registered with other content (timeoutMs: 1000 → 2000)',
    );
    const second = await f.cp.registerTask(echo('2', 2000));
    expect(second.created).toBe(true);
    expect(second.digest).not.toBe(first.digest);
    expect((await f.cp.getTask('echo@1')).timeoutMs).toBe(1000);
    expect((await f.cp.getTask('echo')).version).toBe('2');
  });

  it('a new workflow version is a new record; old executions keep the version they ran', async () => {
    await f.cp.registerTask(addTask);
    const v1: WorkflowDefinition = {
      name: 'versioned',
      version: '1',
      description: 'adds one',
      inputs: z.object({ x: z.number() }),
      nodes: [{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' }, b: { value: 1 } } }],
      outputs: { y: { node: 'n', output: 'sum' } },
    };
    await f.cp.registerWorkflow(v1);
    const changed = {
      ...v1,
      nodes: [{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' }, b: { value: 2 } } }],
    };
    const refused = await failure(f.cp.registerWorkflow(changed));
    expect(refused.code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(refused.message).toContain('nodes[0].inputs.b.value: 1 → 2');
    const old = await f.cp.launch('versioned', { x: 1 });
    expect((await f.cp.registerWorkflow({ ...changed, version: '2' })).created).toBe(true);
    const latest = await f.cp.launch('versioned', { x: 1 });
    await drive(f.cp, old, taskHandler(f.blobs));
    await drive(f.cp, latest, taskHandler(f.blobs));
    expect(await f.cp.getExecution(old)).toMatchObject({ workflow: 'versioned@1', outputs: { y: 2 } });
    expect(await f.cp.getExecution(latest)).toMatchObject({ workflow: 'versioned@2', outputs: { y: 3 } });
    const listed = (await f.cp.listWorkflows()).find((w) => w.name === 'versioned');
    expect(listed).toMatchObject({ latestVersion: '2', versions: ['1', '2'] });
  });

  it('refuses a task version that is not registered, listing the known versions', async () => {
    await f.cp.registerTask(addTask);
    const { code, message } = await failure(f.cp.registerWorkflow(single('needs-add9', '1', 'add@9')));
    expect(code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(message).toBe('task add@9 is not registered (known versions of add: 1)');
    const unknown = await failure(f.cp.registerWorkflow(single('needs-nothing', '1', 'nothing@1')));
    expect(unknown.message).toMatch(/^task nothing@1 is not registered \(known tasks: .*add/);
  });

  it('refuses a cycle and a bad binding at registration', async () => {
    await f.cp.registerTask(addTask);
    const cycle: WorkflowDefinition = {
      ...single('cyclic', '1', 'add@1'),
      nodes: [
        { id: 'a', task: 'add@1', inputs: { a: { node: 'b', output: 'sum' } } },
        { id: 'b', task: 'add@1', inputs: { a: { node: 'a', output: 'sum' } } },
      ],
      outputs: {},
    };
    expect(await failure(f.cp.registerWorkflow(cycle))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: 'workflow cyclic@1 has a cycle: a → b → a',
    });
    const badBinding = await failure(f.cp.registerWorkflow(single('bad-binding', '1', 'add@1')));
    expect(badBinding.message).toContain('input v of node only is not an input of task add@1');
    expect(await failure(f.cp.getWorkflow('cyclic'))).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('describes a workflow: inputs schema, nodes in order with their task interface', async () => {
    const view = await f.cp.getWorkflow('diamond@1');
    expect(view.nodes.map((n) => n.id)).toEqual(['top', 'left', 'right', 'bottom']);
    expect(view.inputs).toMatchObject({ type: 'object', required: ['x'] });
    expect(view.nodes[0]?.interface).toMatchObject({
      name: 'add',
      version: '1',
      inputs: { properties: { a: { type: 'number' }, b: { default: 0 } }, required: ['a'] },
      outputs: { properties: { sum: { type: 'number' } } },
      cache: true,
    });
    expect((await f.cp.getWorkflow('diamond')).digest).toBe(view.digest);
    const unknownVersion = await failure(f.cp.getWorkflow('diamond@7'));
    expect(unknownVersion.message).toBe(
      'workflow diamond@7 is not registered (known versions of diamond: 1)',
    );
  });
});
