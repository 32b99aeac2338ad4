/** @module ml/models/model-declaration.test — parameter counts, layer table, initialisation and MLM facts. */
import { describe, expect, it } from 'vitest';
import { trainableParameterCount } from '../graph/index.ts';
import { declareModel } from './model-declaration.ts';
import { unetNetwork } from './unet.ts';

/** 3×3 conv (no bias) + BatchNorm, twice: 9·ci·c + 2c + 9·c·c + 2c. */
const block = (ci: number, c: number) => 9 * ci * c + 2 * c + 9 * c * c + 2 * c;
/** 2×2 ConvTranspose with bias: 4·ci·c + c. */
const up = (ci: number, c: number) => 4 * ci * c + c;

describe('declareModel', () => {
  it('counts the parameters of unet-s and unet-m as worked out by hand', () => {
    const unetS =
      block(3, 16) + block(16, 32) + block(32, 64) + block(64, 128) +
      up(128, 64) + block(128, 64) + up(64, 32) + block(64, 32) + up(32, 16) + block(32, 16);
    const unetM =
      block(3, 32) + block(32, 64) + block(64, 128) + block(128, 256) +
      up(256, 128) + block(256, 128) + up(128, 64) + block(128, 64) + up(64, 32) + block(64, 32);
    expect(declareModel('unet-s', { classes: 1 }).parameterCount()).toBe(unetS + 16 + 1);
    expect(declareModel('unet-s', { classes: 1 }).parameterCount()).toBe(482_737);
    expect(declareModel('unet-s', { classes: 4 }).parameterCount()).toBe(unetS + 16 * 4 + 4);
    expect(declareModel('unet-m', { classes: 1 }).parameterCount()).toBe(unetM + 32 + 1);
    expect(declareModel('unet-m', { classes: 4 }).parameterCount()).toBe(1_927_108);
  });

  it('builds the same U-Net without BatchNorm: conv biases instead, no bn layers (the doc-probe network)', () => {
    /** 3×3 conv with bias, twice: 9·ci·c + c + 9·c·c + c. */
    const plain = (ci: number, c: number) => 9 * ci * c + c + 9 * c * c + c;
    const shape = { name: 'doc-probe', inChannels: 3, inputSize: 64, widths: [16, 32, 64], classes: 1 };
    const network = unetNetwork({ ...shape, batchNorm: false });
    const expected =
      plain(3, 16) + plain(16, 32) + plain(32, 64) + up(64, 32) + plain(64, 32) + up(32, 16) + plain(32, 16) + 17;
    expect(trainableParameterCount(network)).toBe(expected);
    expect(expected).toBe(117_041);
    expect(network.layers.some((layer) => layer.kind === 'batch-norm')).toBe(false);
    expect(network.parameters.every((p) => p.trainable)).toBe(true);
  });

  it('lists parameters with kinds, trainability and the encoder flag', () => {
    const params = declareModel('unet-s', { classes: 1 }).parameters();
    expect(params[0]).toEqual({ name: 'enc1.conv1.weight', shape: [16, 3, 3, 3], kind: 'weight', trainable: true, encoder: true });
    expect(params.find((p) => p.name === 'enc4.bn2.running_var')).toMatchObject({ kind: 'bn-var', trainable: false, encoder: true });
    expect(params.find((p) => p.name === 'dec3.up.weight')).toMatchObject({ shape: [128, 64, 2, 2], encoder: false });
    expect(params.at(-1)).toMatchObject({ name: 'head.bias', shape: [1], kind: 'bias' });
    const decl = declareModel('unet-s', { classes: 1 });
    expect([...decl.encoderParameters()].every((n) => n.startsWith('enc') && !n.includes('running'))).toBe(true);
    expect(decl.encoderParameters().size).toBe(4 * 2 * 3);
  });

  it('describes layers, shapes and totals', () => {
    const text = declareModel('unet-s', { classes: 4 }).describe();
    expect(text).toMatch(/^unet-s: U-Net, 4 levels \(16, 32, 64, 128\)/);
    expect(text).toMatch(/enc1\.conv1\s+conv 3×3 no-bias\s+16×256×256\s+432\s+encoder/);
    expect(text).toMatch(/dec1\.up\s+conv-transpose 2×2 s2\s+16×256×256\s+2,064/);
    expect(text).toMatch(/head\s+conv 1×1\s+4×256×256\s+68/);
    expect(text).toMatch(/trainable parameters: 482,788 \(plus 1,408 BatchNorm running statistics\)$/);
  });

  it('initialises He-normal weights reproducibly from a seed', () => {
    const decl = declareModel('unet-s', { classes: 1, inputSize: 64 });
    const a = decl.initParameters(7);
    const b = decl.initParameters(7);
    const c = decl.initParameters(8);
    const w = a.get('enc2.conv2.weight') as Float32Array;
    expect(w).toEqual(b.get('enc2.conv2.weight'));
    expect(w).not.toEqual(c.get('enc2.conv2.weight'));
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.9 * Math.sqrt(2 / (32 * 9)));
    expect(std).toBeLessThan(1.1 * Math.sqrt(2 / (32 * 9)));
    expect(a.get('enc1.bn1.weight')?.every((v) => v === 1)).toBe(true);
    expect(a.get('enc1.bn1.running_var')?.every((v) => v === 1)).toBe(true);
    expect(a.get('head.bias')?.every((v) => v === 0)).toBe(true);
    expect([...a.keys()]).toEqual(decl.parameters().map((p) => p.name));
  });

  it('publishes MLM input and output facts from the same declaration', () => {
    const facts = declareModel('unet-m', { classes: 4, inputSize: 512 }).mlmFacts();
    expect(facts.totalParameters).toBe(1_927_108);
    expect(facts.input.input).toEqual({ shape: [-1, 3, 512, 512], dim_order: ['batch', 'bands', 'height', 'width'], data_type: 'float32' });
    expect(facts.input.value_scaling[0]).toEqual({ type: 'z-score', mean: 123.675, stddev: 58.395 });
    expect(facts.output.result.shape).toEqual([-1, 4, 512, 512]);
    expect(facts.output['classification:classes'].map((c) => c.name)).toEqual(['background', 'footprint', 'boundary', 'contact']);
    expect(facts.normalization.mean).toEqual([0.485, 0.456, 0.406]);
  });

  it('rejects unknown models, bad class counts and input sizes', () => {
    expect(() => declareModel('unet-xl' as 'unet-s', { classes: 1 })).toThrow(/unknown model unet-xl; known models: unet-s, unet-m/);
    expect(() => declareModel('unet-s', { classes: 0 })).toThrow(/classes must be an integer from 1 to 255, got 0/);
    expect(() => declareModel('unet-s', { classes: 1, inputSize: 100 })).toThrow(/multiple of 8, got 100/);
    expect(() => declareModel('unet-s', { classes: 2, classNames: ['a'] })).toThrow(/classNames needs 2 names, got 1/);
  });
});
