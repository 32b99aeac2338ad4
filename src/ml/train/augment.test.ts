import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { allTransforms, augmentSample, invertTransform, transformImage, transformMask } from './augment.ts';
import type { DihedralTransform } from './augment.ts';
import { createRng } from './rng.ts';

const S = 5;
const key = (t: DihedralTransform): string => `${t.quarterTurns}${t.mirror ? 'm' : ''}`;

/** An image whose planes all hold the pixel index, and a mask that marks one pixel. */
function marked(x: number, y: number): { image: Float32Array; mask: Uint8Array } {
  const image = new Float32Array(3 * S * S);
  image[0 * S * S + y * S + x] = 1;
  image[1 * S * S + y * S + x] = 2;
  image[2 * S * S + y * S + x] = 3;
  const mask = new Uint8Array(S * S);
  mask[y * S + x] = 7;
  return { image, mask };
}

function whereIs(plane: ArrayLike<number>, offset: number): [number, number] {
  for (let i = 0; i < S * S; i++) if (plane[offset + i] !== 0) return [i % S, Math.floor(i / S)];
  return [-1, -1];
}

describe('dihedral transforms', () => {
  const last = S - 1;
  const expected: [DihedralTransform, (x: number, y: number) => [number, number]][] = [
    [{ quarterTurns: 0, mirror: false }, (x, y) => [x, y]],
    [{ quarterTurns: 1, mirror: false }, (x, y) => [last - y, x]],
    [{ quarterTurns: 2, mirror: false }, (x, y) => [last - x, last - y]],
    [{ quarterTurns: 3, mirror: false }, (x, y) => [y, last - x]],
    [{ quarterTurns: 0, mirror: true }, (x, y) => [last - x, y]],
    [{ quarterTurns: 2, mirror: true }, (x, y) => [x, last - y]],
    [{ quarterTurns: 1, mirror: true }, (x, y) => [last - y, last - x]],
    [{ quarterTurns: 3, mirror: true }, (x, y) => [y, x]],
  ];

  for (const [t, move] of expected) {
    it(`moves a marked pixel identically in every channel and the mask (${key(t)})`, () => {
      const { image, mask } = marked(1, 0);
      const outImage = transformImage(image, S, t);
      const outMask = transformMask(mask, S, t);
      const target = move(1, 0);
      expect(whereIs(outMask, 0)).toEqual(target);
      for (let c = 0; c < 3; c++) {
        expect(whereIs(outImage, c * S * S)).toEqual(target);
        expect(outImage[c * S * S + target[1] * S + target[0]]).toBe(c + 1);
      }
    });
  }

  it('returns to the start after four quarter turns', () => {
    const image = Float32Array.from({ length: 3 * S * S }, (_, i) => i);
    let out: Float32Array = image;
    for (let k = 0; k < 4; k++) out = transformImage(out, S, { quarterTurns: 1, mirror: false });
    expect(out).toEqual(image);
  });

  it('undoes every transform with its inverse', () => {
    const mask = Uint8Array.from({ length: S * S }, (_, i) => i);
    for (const t of allTransforms()) {
      expect(transformMask(transformMask(mask, S, t), S, invertTransform(t))).toEqual(mask);
    }
  });
});

describe('augmentSample', () => {
  /** Plane 0 of the image carries the mask values, so alignment is checkable after any transform. */
  function aligned(size: number): { image: Float32Array; mask: Uint8Array } {
    const mask = Uint8Array.from({ length: size * size }, (_, i) => (i * 7) % 4);
    const image = new Float32Array(3 * size * size);
    image.set(mask, 0);
    image.set(
      Float32Array.from({ length: size * size }, (_, i) => i / (size * size)),
      size * size,
    );
    return { image, mask };
  }

  it('keeps image and mask aligned and draws all 8 symmetries about equally', () => {
    const { image, mask } = aligned(16);
    const rng = createRng(1);
    const counts = new Map<string, number>();
    let misaligned = 0;
    for (let i = 0; i < 800; i++) {
      const out = augmentSample(image, mask, 16, rng, { flips: true, rotations: true });
      for (let p = 0; p < 256; p++) if (out.image[p] !== out.mask[p]) misaligned++;
      counts.set(key(out.transform), (counts.get(key(out.transform)) ?? 0) + 1);
    }
    expect(misaligned).toBe(0);
    expect(counts.size).toBe(8);
    for (const n of counts.values()) expect(n).toBeGreaterThan(60);
  });

  it('repeats exactly with the same seed', () => {
    const { image, mask } = aligned(8);
    const options = { flips: true, rotations: true, brightness: 0.3, contrast: 0.3 };
    const a = augmentSample(image, mask, 8, createRng(5), options);
    const b = augmentSample(image, mask, 8, createRng(5), options);
    expect(a).toEqual(b);
  });

  it('does not modify its inputs', () => {
    const { image, mask } = aligned(8);
    const before = [image.slice(), mask.slice()];
    augmentSample(image, mask, 8, createRng(2), { flips: true, rotations: true, brightness: 0.5 });
    expect([image, mask]).toEqual(before);
  });

  it('jitters brightness on raw intensities of a normalised image and leaves the mask alone', () => {
    const normalization = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
    const image = new Float32Array(3 * 4).fill((0.4 - 0.5) / 0.25);
    const mask = Uint8Array.of(1, 0, 1, 0);
    const out = augmentSample(image, mask, 2, createRng(3), { brightness: 0.2, normalization });
    expect(out.brightnessFactor).toBeGreaterThanOrEqual(0.8);
    expect(out.brightnessFactor).toBeLessThanOrEqual(1.2);
    expect(out.image[0]).toBeCloseTo((0.4 * out.brightnessFactor - 0.5) / 0.25, 5);
    expect(out.mask).toEqual(mask);
  });

  it('jitters contrast around the mean grey and clamps raw values to [0, 1]', () => {
    const image = new Float32Array(3 * 4);
    for (let c = 0; c < 3; c++) image.set([0.2, 0.4, 0.6, 0.8], c * 4);
    const out = augmentSample(image, new Uint8Array(4), 2, createRng(4), { contrast: 1 });
    const f = out.contrastFactor;
    const expected = [0.2, 0.4, 0.6, 0.8].map((v) => Math.min(1, Math.max(0, f * (v - 0.5) + 0.5)));
    expected.forEach((v, i) => expect(out.image[i]).toBeCloseTo(v, 5));
    expect(Math.max(...out.image)).toBeLessThanOrEqual(1);
    expect(Math.min(...out.image)).toBeGreaterThanOrEqual(0);
  });

  it('rejects mismatched sizes and out-of-range jitter', () => {
    const { image, mask } = aligned(4);
    expect(() => augmentSample(image, mask.subarray(1), 4, createRng(1))).toThrow(/mask has 15 values/);
    expect(() => augmentSample(image, mask, 4, createRng(1), { brightness: 2 })).toThrow(/brightness/);
    expect(() => augmentSample(new Float32Array(4 * 16), mask, 4, createRng(1), { contrast: 0.5 })).toThrow(
      /3 channels/,
    );
    expect(() => augmentSample(new Float32Array(17), mask, 4, createRng(1))).toThrow(AppError);
  });
});
