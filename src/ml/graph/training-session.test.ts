/** @module ml/graph/training-session.test — the session wrapper's input checks and error reporting. */
import { describe, expect, it } from 'vitest';
import { NetworkBuilder } from './network-builder.ts';
import { emitEvalGraph } from './training-graph.ts';
import { createTrainingSession } from './training-session.ts';

describe('createTrainingSession', () => {
  const net = new NetworkBuilder('tiny', [2, 4, 4]);
  const network = net.build(net.conv('head', net.input, { channels: 1, kernel: 1 }));
  const params = new Map([
    ['head.weight', Float32Array.of(1, -1)],
    ['head.bias', Float32Array.of(0)],
  ]);

  it('infers a dynamic batch from the data length and returns outputs by name', async () => {
    const session = await createTrainingSession(emitEvalGraph(network).model, { threads: 1 });
    expect(session.inputNames).toEqual(['input', 'head.weight', 'head.bias']);
    const input = new Float32Array(3 * 32).fill(0);
    const out = await session.run(new Map([...params, ['input', input]]), ['predictions']);
    expect(out.get('predictions')?.length).toBe(48);
    expect(out.get('predictions')?.[0]).toBe(0.5);
    await expect(session.run(params)).rejects.toThrow(/input input has no value/);
    await expect(session.run(new Map([...params, ['input', new Float32Array(33)]]))).rejects.toThrow(
      /input input length 33 is not a multiple of 32/,
    );
    await expect(
      session.run(new Map([...params, ['head.bias', new Float32Array(2)], ['input', input]])),
    ).rejects.toThrow(/input head.bias needs 1 values, got 2/);
    await session.release();
  });

  it('reports a model onnxruntime rejects as an AppError', async () => {
    await expect(createTrainingSession(Uint8Array.of(1, 2, 3))).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/onnxruntime rejected the graph/),
    });
  });
});
