/** @module workflows/builtin/noop-task — `noop@1`: returns its input; for benchmarks and health checks (cache off). */
import { z } from 'zod';
import { defineTask } from '../task-definition.ts';

const inputs = z.object({
  value: z.json().optional().describe('any JSON value, returned unchanged (default null)'),
});

const outputs = z.object({
  value: z.json().describe('the input value, or null'),
});

/** `noop@1`: does no work and returns `{ value }`; the cache is off so every run reaches a worker. */
export const noopTask = defineTask({
  name: 'noop',
  version: '1',
  description: 'Does nothing and returns its input value: for benchmarks and health checks.',
  inputs,
  outputs,
  cache: false,
  timeoutMs: 60_000,
  resources: { cpu: 1, memoryMb: 128 },
  run: async (input) => ({ value: input.value ?? null }),
});
