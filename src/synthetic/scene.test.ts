import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { createSyntheticScene, DEFAULT_SCENE_CENTER } from './index.ts';
import { frameOf, lonLatToGround } from './scene.ts';

describe('createSyntheticScene', () => {
  it('defaults to a 4 km square round lon 36.80, lat -1.30', () => {
    const scene = createSyntheticScene({ seed: 42 });
    expect(scene.center).toEqual(DEFAULT_SCENE_CENTER);
    const frame = frameOf(scene);
    const [u0, v0] = lonLatToGround(frame, scene.bounds[0], scene.bounds[1]);
    const [u1, v1] = lonLatToGround(frame, scene.bounds[2], scene.bounds[3]);
    expect(u1 - u0).toBeCloseTo(4000, 3);
    expect(v1 - v0).toBeCloseTo(4000, 3);
    expect(scene.bounds[0]).toBeLessThan(36.8);
    expect(scene.bounds[2]).toBeGreaterThan(36.8);
  });

  it('honours centre and extent', () => {
    const scene = createSyntheticScene({ seed: 1, center: [85.52, 27.63], extentKm: 1 });
    const [w, s, e, n] = scene.bounds;
    expect((w + e) / 2).toBeCloseTo(85.52, 9);
    expect((s + n) / 2).toBeCloseTo(27.63, 4);
    // 1 km of ground at lat 27.63 spans 1/cos(lat) km of mercator, i.e. about 0.01016 degrees of longitude.
    expect(e - w).toBeCloseTo(1 / (111.32 * Math.cos((27.63 * Math.PI) / 180)), 4);
  });

  it('derives the street grid rotation from the seed alone', () => {
    const a = createSyntheticScene({ seed: 7 });
    const b = createSyntheticScene({ seed: 7, center: [0, 0] });
    const angles = new Set([1, 2, 3, 4, 5, 6].map((seed) => createSyntheticScene({ seed }).gridRotationDeg));
    expect(a.gridRotationDeg).toBe(b.gridRotationDeg);
    expect(Math.abs(a.gridRotationDeg)).toBeLessThanOrEqual(40);
    expect(angles.size).toBeGreaterThan(3);
  });

  it.each([
    [{ seed: -1 }, 'seed -1'],
    [{ seed: 1.5 }, 'seed 1.5'],
    [{ seed: 2 ** 32 }, 'seed 4294967296'],
    [{ seed: 1, center: [200, 0] as [number, number] }, 'centre [200, 0]'],
    [{ seed: 1, center: [0, 85] as [number, number] }, 'centre [0, 85]'],
    [{ seed: 1, extentKm: 0 }, 'extentKm 0'],
    [{ seed: 1, extentKm: Number.NaN }, 'extentKm NaN'],
  ])('rejects %j naming the bad input', (options, named) => {
    let error: unknown;
    try {
      createSyntheticScene(options);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toContain(named);
  });
});
