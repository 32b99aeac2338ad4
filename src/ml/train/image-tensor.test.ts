import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { imageToChw } from './image-tensor.ts';

describe('imageToChw', () => {
  it('turns interleaved RGB bytes into normalised planes', () => {
    // 2x2 image: pixel 0 = (255, 0, 51), pixel 1 = (0, 255, 102), pixel 2 = black, pixel 3 = white
    const size2 = Uint8Array.of(255, 0, 51, 0, 255, 102, 0, 0, 0, 255, 255, 255);
    const chw = imageToChw(size2, 2, { mean: [0.5, 0.5, 0.2], std: [0.5, 0.5, 0.1] });
    expect(chw[0]).toBeCloseTo(1, 6); // R of pixel 0: (1 - 0.5) / 0.5
    expect(chw[1]).toBeCloseTo(-1, 6); // R of pixel 1
    expect(chw[4 + 1]).toBeCloseTo(1, 6); // G of pixel 1
    expect(chw[8 + 0]).toBeCloseTo(0, 5); // B of pixel 0: (0.2 - 0.2) / 0.1
    expect(chw[8 + 3]).toBeCloseTo(8, 5); // B of pixel 3: (1 - 0.2) / 0.1
  });

  it('drops the alpha channel of RGBA input', () => {
    const rgba = Uint8Array.of(255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 255, 255, 255, 9);
    const chw = imageToChw(rgba, 2, { mean: [0, 0, 0], std: [1, 1, 1] });
    expect([...chw]).toEqual([1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1]);
  });

  it('rejects a length that fits neither layout and a zero std', () => {
    expect(() => imageToChw(new Uint8Array(10), 2, { mean: [0, 0, 0], std: [1, 1, 1] })).toThrow(/10 bytes/);
    expect(() => imageToChw(new Uint8Array(12), 2, { mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(AppError);
  });
});
