/** @module workflows/control-plane/dag — workflow validation against its tasks, cycle detection, topological order. */
import { AppError, invalid } from '../../shared/index.ts';
import type { Binding } from '../workflow-definition.ts';
import type { TaskSpec, WorkflowSpec } from './specs.ts';
import type { JsonSchema } from './views.ts';

/**
 * Checks a workflow against the specs of its tasks: unique node ids; bindings that name existing workflow inputs,
 * nodes and output names of the upstream task's output schema; every required task input bound and no unknown one;
 * workflow outputs bound to existing nodes/outputs; no cycles.
 * @param workflow - the workflow spec
 * @param tasks - the spec of every task the nodes reference, by `name@version` (checked to exist beforehand)
 * @returns node ids in topological order (declaration order among independent nodes)
 * @throws AppError INVALID_PARAMETER_VALUE naming the node, input or cycle (`a → b → a`)
 */
export function validateWorkflow(workflow: WorkflowSpec, tasks: ReadonlyMap<string, TaskSpec>): string[] {
  const where = `workflow ${workflow.name}@${workflow.version}`;
  if (workflow.nodes.length === 0) invalid(`${where} has no nodes`);
  const nodes = new Map<string, TaskSpec>();
  for (const node of workflow.nodes) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(node.id))
      invalid(`${where}: node id ${JSON.stringify(node.id)} must be letters, digits, _ -`);
    if (nodes.has(node.id)) invalid(`${where}: node id ${node.id} appears twice`);
    const task = tasks.get(node.task);
    if (task === undefined)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `${where}: task ${node.task} of node ${node.id} is not registered`,
      );
    nodes.set(node.id, task);
  }
  const workflowInputs = propertiesOf(workflow.inputs);
  for (const node of workflow.nodes) {
    const task = nodes.get(node.id) as TaskSpec;
    const taskInputs = propertiesOf(task.inputs);
    for (const [name, binding] of Object.entries(node.inputs)) {
      const what = `${where}: input ${name} of node ${node.id}`;
      if (!taskInputs.includes(name)) {
        invalid(`${what} is not an input of task ${node.task} (inputs: ${taskInputs.join(', ') || 'none'})`);
      }
      checkBinding(binding, what, workflowInputs, nodes, node.id);
    }
    for (const required of requiredOf(task.inputs)) {
      if (!(required in node.inputs))
        invalid(`${where}: required input ${required} of node ${node.id} (${node.task}) is not bound`);
    }
  }
  for (const [name, binding] of Object.entries(workflow.outputs)) {
    checkBinding(binding, `${where}: output ${name}`, workflowInputs, nodes, undefined);
  }
  return topologicalOrder(workflow);
}

/**
 * The upstream node ids of a node (the nodes its bindings read from).
 * @param inputs - the node's bindings
 * @returns distinct node ids
 */
export function upstreamOf(inputs: Record<string, Binding>): string[] {
  const ids = new Set<string>();
  for (const binding of Object.values(inputs)) if ('node' in binding) ids.add(binding.node);
  return [...ids];
}

/**
 * Node ids in topological order (Kahn; declaration order among independent nodes).
 * @param workflow - nodes whose bindings name existing nodes
 * @returns the order
 * @throws AppError INVALID_PARAMETER_VALUE naming one cycle (`a → b → a`)
 */
export function topologicalOrder(workflow: Pick<WorkflowSpec, 'name' | 'version' | 'nodes'>): string[] {
  const indegree = new Map(workflow.nodes.map((n) => [n.id, upstreamOf(n.inputs).length]));
  const order: string[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const node of workflow.nodes) {
      if (indegree.get(node.id) !== 0) continue;
      order.push(node.id);
      indegree.set(node.id, -1);
      progressed = true;
      for (const other of workflow.nodes) {
        if (upstreamOf(other.inputs).includes(node.id))
          indegree.set(other.id, (indegree.get(other.id) ?? 0) - 1);
      }
    }
  }
  if (order.length < workflow.nodes.length) {
    invalid(
      `workflow ${workflow.name}@${workflow.version} has a cycle: ${findCycle(workflow.nodes).join(' → ')}`,
    );
  }
  return order;
}

/** One cycle among nodes known to contain one, as a path that starts and ends at the same node. */
function findCycle(nodes: WorkflowSpec['nodes']): string[] {
  const upstream = new Map(nodes.map((n) => [n.id, upstreamOf(n.inputs)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of upstream.get(id) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of nodes) {
    const found = state.get(node.id) === undefined ? visit(node.id) : undefined;
    // Walked against the edges (node → its upstream); reverse so the path reads in data-flow order.
    if (found) return found.reverse();
  }
  return [];
}

function checkBinding(
  binding: Binding,
  what: string,
  workflowInputs: readonly string[],
  nodes: ReadonlyMap<string, TaskSpec>,
  self: string | undefined,
): void {
  const keys = Object.keys(binding as object)
    .sort()
    .join(',');
  if (keys === 'value') return;
  if (keys === 'input') {
    const name = (binding as { input: string }).input;
    if (!workflowInputs.includes(name)) {
      invalid(
        `${what} is bound to workflow input ${name}, which does not exist (inputs: ${workflowInputs.join(', ') || 'none'})`,
      );
    }
    return;
  }
  if (keys === 'node,output') {
    const { node, output } = binding as { node: string; output: string };
    const upstream = nodes.get(node);
    if (upstream === undefined) invalid(`${what} is bound to node ${node}, which does not exist`);
    if (node === self) invalid(`${what} is bound to its own node: a cycle ${node} → ${node}`);
    const outputs = propertiesOf(upstream.outputs);
    if (!outputs.includes(output)) {
      invalid(
        `${what} is bound to output ${output} of node ${node}, which task ${upstream.name}@${upstream.version} does not have (outputs: ${outputs.join(', ') || 'none'})`,
      );
    }
    return;
  }
  invalid(
    `${what} has a malformed binding ${JSON.stringify(binding)} (use {input}, {node, output} or {value})`,
  );
}

function propertiesOf(schema: JsonSchema): string[] {
  const properties = schema['properties'];
  return typeof properties === 'object' && properties !== null && !Array.isArray(properties)
    ? Object.keys(properties)
    : [];
}

function requiredOf(schema: JsonSchema): string[] {
  const required = schema['required'];
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}
