/** @module workflows/workflow-definition — a workflow: a DAG of task nodes with data bindings, name and version. */
import type { z } from 'zod';

/** JSON values, as stored inline in the database. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a node input (or a workflow output) comes from. */
export type Binding =
  /** A workflow input by name. */
  | { input: string }
  /** An output of an upstream node (this makes the edge of the DAG). */
  | { node: string; output: string }
  /** A constant. */
  | { value: JsonValue };

/** One node: a task by `name@version` and the binding of each of its inputs. */
export type WorkflowNode = { id: string; task: string; inputs: Record<string, Binding> };

/** A workflow as declared in code (the registered form stores the inputs as JSON Schema and a content digest). */
export type WorkflowDefinition<I = unknown> = {
  name: string;
  version: string;
  description: string;
  /** Schema of the launch inputs (an object schema). */
  inputs: z.ZodType<I>;
  nodes: WorkflowNode[];
  /** The execution's outputs, bound to node outputs. */
  outputs: Record<string, Binding>;
};
