import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, isAppError } from '../../shared/index.ts';
import { createAdam } from '../train/index.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.ts';
import { parseCheckpoint, serializeCheckpoint } from './checkpoint.ts';
import type { CheckpointArchitecture, CheckpointContent } from './checkpoint.ts';
import type { CheckpointTensor } from './safetensors.ts';

const architecture: CheckpointArchitecture = {
  name: 'unet-s',
  classes: 4,
  inputSize: 256,
  normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  widths: [16, 32, 64],
};

function parameters(): Map<string, CheckpointTensor> {
  return new Map([
    [
      'enc1.conv.weight',
      { data: Float32Array.from({ length: 16 * 3 * 9 }, (_, i) => Math.sin(i) / 7), shape: [16, 3, 3, 3] },
    ],
    ['enc1.conv.bias', { data: Float32Array.from({ length: 16 }, (_, i) => i - 8.5), shape: [16] }],
    ['head.bias', { data: Float32Array.of(Number.MIN_VALUE, -0, 3.4e38), shape: [3] }],
  ]);
}

/** Builds a safetensors buffer from a raw header object and data bytes (for corruption cases). */
function rawSafetensors(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const fairMetadata = {
  format: 'fair-checkpoint',
  format_version: '1',
  architecture: JSON.stringify(architecture),
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fair-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint round trip', () => {
  it('reads back every tensor bit for bit, the metadata and the optimiser state', async () => {
    const params = parameters();
    const adam = createAdam({ weightDecay: 0.01, decoupled: true });
    const values = new Map([...params].map(([k, t]) => [k, t.data.slice()]));
    adam.step(values, new Map([...values].map(([k, v]) => [k, v.map((x) => x * 0.1)])), 1e-3);
    const path = join(dir, 'runs', '1', 'last.safetensors');
    await writeCheckpoint(path, {
      tensors: params,
      metadata: { architecture, epoch: 3, step: 540, bestMetric: 0.41, extra: { run_id: 'abc' } },
      optimizer: adam.state(),
    });
    const loaded = await readCheckpoint(path);
    expect(loaded.formatVersion).toBe(1);
    for (const [name, t] of params) {
      expect(loaded.tensors.get(name)?.shape).toEqual(t.shape);
      expect(Buffer.from(loaded.tensors.get(name)?.data.buffer ?? new ArrayBuffer(0))).toEqual(
        Buffer.from(t.data.buffer),
      );
    }
    expect(loaded.metadata).toMatchObject({
      architecture,
      epoch: 3,
      step: 540,
      bestMetric: 0.41,
      extra: { run_id: 'abc' },
    });
    expect(loaded.optimizer?.kind).toBe('adam');
    expect(loaded.optimizer?.paramSteps).toEqual(adam.state().paramSteps);
    expect(loaded.optimizer?.buffers).toEqual(adam.state().buffers);
  });

  it('resumes an optimiser from a checkpoint to exactly the step the original takes', async () => {
    const adam = createAdam();
    const values = new Map([...parameters()].map(([k, t]) => [k, t.data.slice()]));
    const grads = (scale: number) =>
      new Map([...values].map(([k, v]) => [k, Float32Array.from(v, (_, i) => Math.cos(i) * scale)]));
    for (let s = 1; s <= 3; s++) adam.step(values, grads(s), 1e-2);
    const path = join(dir, 'resume.safetensors');
    const tensors = new Map([...values].map(([k, v]) => [k, { data: v, shape: [v.length] }]));
    await writeCheckpoint(path, { tensors, metadata: { architecture, step: 3 }, optimizer: adam.state() });

    const loaded = await readCheckpoint(path);
    const resumed = createAdam();
    resumed.load(loaded.optimizer ?? adam.state());
    const resumedValues = new Map([...loaded.tensors].map(([k, t]) => [k, t.data]));
    adam.step(values, grads(4), 1e-2);
    resumed.step(resumedValues, grads(4), 1e-2);
    for (const [name, v] of values) expect(resumedValues.get(name)).toEqual(v);
  });

  it('writes the safetensors layout: u64 header length, JSON header, 8-byte aligned contiguous data', () => {
    const bytes = serializeCheckpoint({
      tensors: parameters(),
      metadata: { architecture, createdAt: '2026-01-01T00:00:00Z' },
    });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
      string,
      unknown
    >;
    expect(header['__metadata__']).toEqual({
      format: 'fair-checkpoint',
      format_version: '1',
      architecture: JSON.stringify(architecture),
      optimizer: 'none',
      epoch: '0',
      step: '0',
      created_at: '2026-01-01T00:00:00Z',
    });
    expect(header['enc1.conv.bias']).toEqual({ dtype: 'F32', shape: [16], data_offsets: [0, 64] });
    expect(header['enc1.conv.weight']).toEqual({
      dtype: 'F32',
      shape: [16, 3, 3, 3],
      data_offsets: [64, 64 + 1728],
    });
    expect(bytes.length).toBe(8 + headerLength + 64 + 1728 + 12);
    expect(new DataView(bytes.buffer).getFloat32(8 + headerLength + 4, true)).toBe(-7.5);
  });

  it('stores optimiser buffers under optim.<buffer> with the parameter shape', () => {
    const params = parameters();
    const adam = createAdam();
    adam.step(
      new Map([...params].map(([k, t]) => [k, t.data.slice()])),
      new Map([...params].map(([k, t]) => [k, t.data.slice()])),
      1e-3,
    );
    const bytes = serializeCheckpoint({
      tensors: params,
      metadata: { architecture },
      optimizer: adam.state(),
    });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
      string,
      { shape?: number[] }
    >;
    expect(header['optim.m.enc1.conv.weight']?.shape).toEqual([16, 3, 3, 3]);
    expect(header['optim.v.head.bias']?.shape).toEqual([3]);
  });

  it('replaces an existing file atomically and leaves no temporary file', async () => {
    const path = join(dir, 'best.safetensors');
    await writeCheckpoint(path, { tensors: parameters(), metadata: { architecture, epoch: 1 } });
    await writeCheckpoint(path, { tensors: parameters(), metadata: { architecture, epoch: 2 } });
    expect((await readCheckpoint(path)).metadata.epoch).toBe(2);
    expect(await readdir(dir)).toEqual(['best.safetensors']);
  });

  it('reports a write failure without leaving a temporary file', async () => {
    await writeFile(join(dir, 'blocker'), 'x');
    const error = await writeCheckpoint(join(dir, 'blocker', 'x.safetensors'), {
      tensors: parameters(),
      metadata: { architecture },
    }).catch((e: unknown) => e);
    expect(isAppError(error, 'INTERNAL_ERROR')).toBe(true);
    expect(await readdir(dir)).toEqual(['blocker']);
  });

  it('refuses invalid content before writing', () => {
    const bad = (content: Partial<CheckpointContent> & { metadata: CheckpointContent['metadata'] }) => () =>
      serializeCheckpoint({ tensors: parameters(), ...content });
    expect(bad({ metadata: { architecture: { ...architecture, classes: 0 } } })).toThrow(
      /architecture.classes/,
    );
    expect(bad({ metadata: { architecture, extra: { epoch: '9' } } })).toThrow(/reserved/);
    expect(
      bad({
        tensors: new Map([['optim.x', { data: new Float32Array(1), shape: [1] }]]),
        metadata: { architecture },
      }),
    ).toThrow(/must not start with optim/);
    expect(
      bad({
        tensors: new Map([['w', { data: new Float32Array(3), shape: [2, 2] }]]),
        metadata: { architecture },
      }),
    ).toThrow(/tensor w has 3 values/);
  });
});

describe('reading a corrupt or foreign checkpoint', () => {
  const good = (): Uint8Array => serializeCheckpoint({ tensors: parameters(), metadata: { architecture } });
  const parse = (bytes: Uint8Array) => () => parseCheckpoint(bytes, 'model.safetensors');

  it('says a missing file does not exist', async () => {
    const error = await readCheckpoint(join(dir, 'nope.safetensors')).catch((e: unknown) => e);
    expect(isAppError(error, 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
  });

  it('says a real JPEG chip is not a checkpoint', async () => {
    const jpeg = resolve(
      import.meta.dirname,
      '../../..',
      '../shared/data/banepa/train/oam/OAM-386690-220241-19.tif',
    );
    const error = await readCheckpoint(jpeg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/not a checkpoint/);
  });

  it('says a file too short for a header is not a checkpoint', () => {
    expect(parse(Uint8Array.of(1, 2, 3))).toThrow(/not a checkpoint: 3 bytes/);
  });

  it('says a file cut inside the header or inside the data is truncated', () => {
    const bytes = good();
    expect(parse(bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(parse(bytes.subarray(0, bytes.length - 10))).toThrow(/truncated/);
  });

  it('says a header that is not valid JSON is invalid', () => {
    expect(parse(rawSafetensors(null, new Uint8Array(0), '{"a": [1, 2'))).toThrow(/header JSON is invalid/);
  });

  it('says offsets beyond the data are out of range', () => {
    const header = { __metadata__: fairMetadata, w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } };
    expect(parse(rawSafetensors(header, new Uint8Array(8)))).toThrow(
      /tensor w ends at data byte 16 but the data has 8/,
    );
  });

  it('says overlapping tensors are corrupt', () => {
    const header = {
      __metadata__: fairMetadata,
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expect(parse(rawSafetensors(header, new Uint8Array(12)))).toThrow(/overlap or gap/);
  });

  it('names a dtype it does not read', () => {
    const header = { __metadata__: fairMetadata, w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } };
    expect(parse(rawSafetensors(header, new Uint8Array(4)))).toThrow(/tensor w has dtype F16/);
  });

  it('refuses a format version newer than it reads', () => {
    const header = {
      __metadata__: { ...fairMetadata, format_version: '2' },
      w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    };
    expect(parse(rawSafetensors(header, new Uint8Array(4)))).toThrow(
      /format_version 2; this fAIr reads up to 1/,
    );
  });

  it('says a plain safetensors file is not a fAIr checkpoint', () => {
    const header = { w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
    expect(parse(rawSafetensors(header, new Uint8Array(4)))).toThrow(/not a fAIr checkpoint/);
  });

  it('says when the architecture metadata is not JSON', () => {
    const header = { __metadata__: { ...fairMetadata, architecture: 'unet' } };
    expect(parse(rawSafetensors(header, new Uint8Array(0)))).toThrow(/architecture is not a JSON object/);
  });

  it('says a checkpoint with a corrupted header byte is invalid', async () => {
    const bytes = good();
    const path = join(dir, 'flipped.safetensors');
    const colon = bytes.indexOf(0x3a, 8);
    await writeFile(
      path,
      Uint8Array.from(bytes, (b, i) => (i === colon ? 0x3b : b)),
    );
    await expect(readCheckpoint(path)).rejects.toThrow(/header JSON is invalid/);
    const key = bytes.indexOf(0x5f, 8);
    await writeFile(
      path,
      Uint8Array.from(bytes, (b, i) => (i === key ? 0x2d : b)),
    );
    await expect(readCheckpoint(path)).rejects.toThrow(/header entry -_metadata__ is not a tensor/);
  });
});
