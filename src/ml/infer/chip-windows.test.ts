import { describe, expect, it } from 'vitest';
import type { RasterRGB } from '../../imagery/index.ts';
import {
  ProbabilityCanvas,
  planWindows,
  resizeBilinear,
  resizeForPlan,
  windowInput,
} from './chip-windows.ts';

/** Normalisation that hands raw 0–255 values through imageToChw. */
const RAW = { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };

/** A smooth test image: red = x gradient, green = y gradient, blue = constant. */
function gradient(width: number, height: number): RasterRGB {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = Math.round((x * 255) / (width - 1));
      data[o + 1] = Math.round((y * 255) / (height - 1));
      data[o + 2] = 90;
    }
  return { width, height, data };
}

/** Runs the windows of a chip through an "identity model" (output channel 0 = input red) and reassembles them. */
function identityPrediction(image: RasterRGB, inputSize: number): Float32Array {
  const plan = planWindows(image.width, image.height, inputSize);
  const resized = resizeForPlan(image, plan);
  const canvas = new ProbabilityCanvas(plan, 1);
  for (const w of plan.windows)
    canvas.place(windowInput(resized, w, inputSize, RAW).subarray(0, inputSize ** 2), w);
  return canvas.finish();
}

function red(image: RasterRGB): Float32Array {
  return Float32Array.from({ length: image.width * image.height }, (_, i) => image.data[i * 3] as number);
}

describe('planWindows', () => {
  it('splits a 512 px chip into four 256 px windows without resampling', () => {
    const plan = planWindows(512, 512, 256);
    expect(plan.x).toEqual({ size: 512, resized: 512, padded: 512, windows: 2 });
    expect(plan.windows).toEqual([
      { left: 0, top: 0 },
      { left: 256, top: 0 },
      { left: 0, top: 256 },
      { left: 256, top: 256 },
    ]);
  });

  it('resamples a size that is not a multiple, as datasets split tiles', () => {
    expect(planWindows(300, 300, 256).x).toEqual({ size: 300, resized: 256, padded: 256, windows: 1 });
    expect(planWindows(400, 400, 256).x).toEqual({ size: 400, resized: 512, padded: 512, windows: 2 });
  });

  it('pads a smaller axis and handles non-square chips', () => {
    const plan = planWindows(200, 600, 256);
    expect(plan.x).toEqual({ size: 200, resized: 200, padded: 256, windows: 1 });
    expect(plan.y).toEqual({ size: 600, resized: 512, padded: 512, windows: 2 });
    expect(plan.windows).toHaveLength(2);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => planWindows(0, 10, 8)).toThrow(/chip width 0/);
    expect(() => planWindows(10, 10, 2.5)).toThrow(/input size 2.5/);
  });
});

describe('resizeBilinear', () => {
  it('keeps an image of the same size and a constant image', () => {
    const src = Float32Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(resizeBilinear(src, 3, 2, 1, 3, 2))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(resizeBilinear(new Float32Array(8).fill(7), 2, 2, 2, 5, 3)).every((v) => v === 7)).toBe(
      true,
    );
  });

  it('interpolates between pixel centres and repeats the edges', () => {
    const out = resizeBilinear(Float32Array.of(0, 100), 2, 1, 1, 4, 1);
    expect(Array.from(out)).toEqual([0, 25, 75, 100]);
  });
});

describe('window reassembly', () => {
  it('puts every window back in place for a chip that is a multiple of the input', () => {
    const image = gradient(64, 48);
    expect(Array.from(identityPrediction(image, 16))).toEqual(Array.from(red(image)));
  });

  it('crops the padding of a smaller chip', () => {
    const image = gradient(20, 13);
    const out = identityPrediction(image, 32);
    expect(out).toHaveLength(20 * 13);
    expect(Array.from(out)).toEqual(Array.from(red(image)));
  });

  it('undoes the resampling of a chip that is not a multiple', () => {
    const image = gradient(75, 75);
    const out = identityPrediction(image, 32);
    const expected = red(image);
    const worst = out.reduce((m, v, i) => Math.max(m, Math.abs(v - (expected[i] as number))), 0);
    expect(out).toHaveLength(75 * 75);
    expect(worst).toBeLessThan(4);
  });

  it('pads windows beyond the chip with black', () => {
    const image = gradient(10, 10);
    const input = windowInput(image, { left: 0, top: 0 }, 16, RAW);
    expect(input[15]).toBe(0);
    expect(input[9]).toBe(255);
    expect(input[2 * 256 + 15 * 16]).toBe(0);
    expect(input[2 * 256]).toBe(90);
  });
});
