/**
 * @module workflows/builtin/builtin-catalog.test — the catalog's declarations: unique refs, JSON Schemas with a
 * description on every field (they are `fair workflow describe`'s documentation), and workflows whose bindings name
 * real tasks, inputs and outputs.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskRef } from '../task-definition.ts';
import { builtinCatalogModule, builtinTasks, builtinWorkflows } from './index.ts';

type Schema = { properties?: Record<string, { description?: string }>; required?: string[] };

const inputSchema = (schema: z.ZodType): Schema => z.toJSONSchema(schema, { io: 'input' }) as Schema;
const outputSchema = (schema: z.ZodType): Schema => z.toJSONSchema(schema, { io: 'output' }) as Schema;

describe('builtin catalog', () => {
  it('holds each task name once, as version 1', () => {
    const refs = builtinTasks.map(taskRef);
    expect(new Set(refs).size).toBe(refs.length);
    expect(refs).toEqual([
      'noop@1',
      'prepare_dataset@1',
      'train@1',
      'evaluate@1',
      'export_onnx@1',
      'register@1',
      'resolve_model@1',
      'predict@1',
    ]);
  });

  it('describes every input and output field of every task and workflow', () => {
    const undocumented: string[] = [];
    const check = (owner: string, schema: Schema) => {
      for (const [field, property] of Object.entries(schema.properties ?? {}))
        if (!property.description) undocumented.push(`${owner}.${field}`);
    };
    for (const task of builtinTasks) {
      check(`${taskRef(task)} inputs`, inputSchema(task.inputs));
      check(`${taskRef(task)} outputs`, outputSchema(task.outputs));
    }
    for (const workflow of builtinWorkflows) check(workflow.name, inputSchema(workflow.inputs));
    expect(undocumented).toEqual([]);
  });

  it('binds every node input to a workflow input, an upstream output or a constant that exists', () => {
    const problems: string[] = [];
    const tasks = new Map(builtinTasks.map((t) => [taskRef(t), t]));
    for (const workflow of builtinWorkflows) {
      const inputs = Object.keys(inputSchema(workflow.inputs).properties ?? {});
      const outputsOf = (id: string): string[] => {
        const node = workflow.nodes.find((n) => n.id === id);
        const task = node === undefined ? undefined : tasks.get(node.task);
        return task === undefined ? [] : Object.keys(outputSchema(task.outputs).properties ?? {});
      };
      const bindings = [
        ...workflow.nodes.flatMap((n) =>
          Object.entries(n.inputs).map(([k, b]) => [`${n.id}.${k}`, b] as const),
        ),
        ...Object.entries(workflow.outputs).map(([k, b]) => [`outputs.${k}`, b] as const),
      ];
      for (const [where, binding] of bindings) {
        if ('input' in binding && !inputs.includes(binding.input)) problems.push(`${workflow.name} ${where}`);
        if ('node' in binding && !outputsOf(binding.node).includes(binding.output))
          problems.push(`${workflow.name} ${where}`);
      }
      for (const node of workflow.nodes) {
        const task = tasks.get(node.task);
        if (task === undefined) problems.push(`${workflow.name} ${node.id}: ${node.task}`);
        else
          for (const required of inputSchema(task.inputs).required ?? [])
            if (!(required in node.inputs)) problems.push(`${workflow.name} ${node.id}.${required} unbound`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names the catalog module by file URL, exporting the same tasks', async () => {
    expect(builtinCatalogModule.startsWith('file://')).toBe(true);
    const module = (await import(builtinCatalogModule)) as { taskCatalog: unknown };
    expect(module.taskCatalog).toBe(builtinTasks);
  });
});
