/**
 * @module workflows/control-plane/specs — the registered (stored) form of tasks and workflows: JSON Schemas instead
 * of zod schemas, so any process can validate, schedule and describe without the code that declared them.
 */
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';
import type { TaskDefinition } from '../task-definition.ts';
import type { RetryPolicy, TaskResources } from '../task-definition.ts';
import type { Binding, WorkflowDefinition, WorkflowNode } from '../workflow-definition.ts';
import { canonicalJson, sha256Hex } from './canonical-json.ts';
import type { JsonSchema } from './views.ts';

/** A task as stored in `task_definitions.spec`. */
export type TaskSpec = {
  name: string;
  version: string;
  description: string;
  inputs: JsonSchema;
  outputs: JsonSchema;
  resources: TaskResources;
  retries: RetryPolicy;
  timeoutMs: number;
  cache: boolean;
  cacheVersion: string;
  placement: 'process' | 'worker';
};

/** A workflow as stored in `workflow_definitions.spec`. */
export type WorkflowSpec = {
  name: string;
  version: string;
  description: string;
  inputs: JsonSchema;
  nodes: WorkflowNode[];
  outputs: Record<string, Binding>;
};

/** A stored registration with its digest. */
export type Registered<S> = { spec: S; digest: string; createdAt: Date };

/**
 * The stored form of a task.
 * @param task - the declaration
 * @returns the spec (inputs as an input-side JSON Schema, so defaulted fields are optional)
 * @throws AppError INVALID_PARAMETER_VALUE for an empty name or version, or a schema that is not an object
 */
export function taskSpecOf(task: TaskDefinition): TaskSpec {
  checkName('task', task.name, task.version);
  return {
    name: task.name,
    version: task.version,
    description: task.description,
    inputs: objectSchema(task.inputs, 'input', `inputs of task ${task.name}@${task.version}`),
    outputs: objectSchema(task.outputs, 'output', `outputs of task ${task.name}@${task.version}`),
    resources: { ...task.resources },
    retries: { ...task.retries },
    timeoutMs: task.timeoutMs,
    cache: task.cache,
    cacheVersion: task.cacheVersion,
    placement: task.placement,
  };
}

/**
 * The stored form of a workflow (not yet validated against its tasks: see `validateWorkflow`).
 * @param workflow - the declaration
 * @returns the spec
 * @throws AppError INVALID_PARAMETER_VALUE for an empty name or version, or an inputs schema that is not an object
 */
export function workflowSpecOf(workflow: WorkflowDefinition): WorkflowSpec {
  checkName('workflow', workflow.name, workflow.version);
  return JSON.parse(
    JSON.stringify({
      name: workflow.name,
      version: workflow.version,
      description: workflow.description,
      inputs: objectSchema(
        workflow.inputs,
        'input',
        `inputs of workflow ${workflow.name}@${workflow.version}`,
      ),
      nodes: workflow.nodes,
      outputs: workflow.outputs,
    }),
  ) as WorkflowSpec;
}

/**
 * Content digest of a spec: hex SHA-256 of its canonical JSON.
 * @param spec - a task or workflow spec
 * @returns 64 hex digits
 */
export function specDigest(spec: TaskSpec | WorkflowSpec): string {
  return sha256Hex(canonicalJson(spec));
}

/**
 * The interface hash of a task (part of its cache key): SHA-256 of the canonical JSON of its input and output schemas.
 * @param spec - the task
 * @returns 64 hex digits
 */
export function interfaceHash(spec: TaskSpec): string {
  return sha256Hex(canonicalJson([spec.inputs, spec.outputs]));
}

/**
 * Splits `name@version` (version optional).
 * @param ref - the reference
 * @returns the name and the version (undefined when omitted)
 * @throws AppError INVALID_PARAMETER_VALUE for an empty name or version
 */
export function parseRef(ref: string): { name: string; version: string | undefined } {
  const at = ref.lastIndexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const version = at < 0 ? undefined : ref.slice(at + 1);
  if (name.trim() === '' || version?.trim() === '')
    invalid(`reference ${JSON.stringify(ref)} must be name or name@version`);
  return { name, version };
}

/**
 * Orders versions naturally (`2` before `10`), oldest first.
 * @param versions - version strings
 * @returns a sorted copy
 */
export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function checkName(kind: string, name: string, version: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name))
    invalid(`${kind} name ${JSON.stringify(name)} must be letters, digits, _ . -`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(version)) {
    invalid(`${kind} ${name} version ${JSON.stringify(version)} must be letters, digits, _ . -`);
  }
}

function objectSchema(schema: z.ZodType, io: 'input' | 'output', what: string): JsonSchema {
  const json = z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as JsonSchema;
  if (json['type'] !== 'object') invalid(`${what} must be an object schema (z.object)`);
  return JSON.parse(JSON.stringify(json)) as JsonSchema;
}
