/**
 * @module bench/infer — inference speed of an exported model on onnxruntime-node and onnxruntime-web (WASM): median
 * ms per chip at batch 1 and 8, then `predictChips` end to end over the Banepa predict chips (512 px → 4 windows).
 * Reference (docs/architecture.md): unet-s 256 px ≈ 18–20 ms/chip on node, ≈ 72 ms on web with 2 threads (2 cores).
 *
 * Usage: npm run bench:infer -- [--model unet-s] [--size 256] [--threads 2] [--runs 5] [--batches 1,8]
 *        [--backends node,web] [--no-predict]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkModelName,
  createInferenceSession,
  declareModel,
  exportModel,
  predictChips,
} from '../src/ml/index.ts';
import type { InferenceBackend } from '../src/ml/index.ts';
import { median } from './median.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'unet-s' },
    size: { type: 'string', default: '256' },
    threads: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    batches: { type: 'string', default: '1,8' },
    backends: { type: 'string', default: 'node,web' },
    'no-predict': { type: 'boolean', default: false },
  },
});

const size = Number(args.size);
const threads = Number(args.threads);
const runs = Number(args.runs);
const decl = declareModel(checkModelName(args.model), { classes: 1, inputSize: size });
const dir = await mkdtemp(join(tmpdir(), 'fair-bench-infer-'));
const { onnxPath } = await exportModel(join(dir, 'model'), decl, decl.initParameters(1));

async function timeBackend(backend: InferenceBackend, batch: number): Promise<number> {
  const session = await createInferenceSession(onnxPath, { backend, threads });
  const input = Float32Array.from({ length: batch * 3 * size * size }, (_, i) => Math.sin(i) * 2);
  await session.run(input, batch); // warm-up: first run allocates and plans
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(input, batch);
    times.push((performance.now() - t0) / batch);
  }
  await session.release();
  return median(times);
}

console.log(
  `${args.model} ${size}px, ${decl.parameterCount().toLocaleString('en')} parameters, ${threads} threads, median of ${runs}`,
);
for (const backend of args.backends.split(',') as InferenceBackend[])
  for (const batch of args.batches.split(',').map(Number)) {
    const ms = await timeBackend(backend, batch);
    console.log(`  ${backend.padEnd(4)} batch ${String(batch).padStart(2)}: ${ms.toFixed(1)} ms/chip`);
  }

if (!args['no-predict']) {
  const chips = resolve(import.meta.dirname, '..', '../shared/data/banepa/predict/oam');
  for (const backend of args.backends.split(',') as InferenceBackend[]) {
    const summary = await predictChips({
      model: onnxPath,
      chipsDir: chips,
      outDir: join(dir, `out-${backend}`),
      backend,
      threads,
    });
    const perChip = (summary.seconds * 1000) / summary.chips.length;
    console.log(
      `  predictChips ${backend}: ${summary.chips.length} chips of 512 px (4 windows each) in ${summary.seconds.toFixed(1)} s, ` +
        `${perChip.toFixed(0)} ms/chip incl. decode + PNG writes`,
    );
  }
}
await rm(dir, { recursive: true, force: true });
