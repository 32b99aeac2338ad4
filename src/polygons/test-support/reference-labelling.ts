/**
 * @module polygons/test-support/reference-labelling — slow, obvious versions of the labelling functions (pixel-by-pixel
 * flood fill, round-by-round growth) and seeded random class maps, to check the fast ones against.
 */
import type { LabelImage } from '../connected-components.ts';

/**
 * A seeded random class map (mulberry32), so failures reproduce.
 * @param seed - any 32-bit integer
 * @param width - columns
 * @param height - rows
 * @param classes - class values drawn uniformly, e.g. `[0, 0, 1]` for a third of pixels set
 * @returns the class map
 */
export function randomClassMap(seed: number, width: number, height: number, classes: number[]): Uint8Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Uint8Array.from({ length: width * height }, () => classes[Math.floor(next() * classes.length)] ?? 0);
}

/**
 * Components of the pixels whose class is in `positive`, by a pixel-by-pixel flood fill started at each unlabelled
 * positive pixel in raster order.
 * @param mask - class values
 * @param width - columns
 * @param height - rows
 * @param positive - the positive classes
 * @param connectivity - 4 or 8
 * @returns the label image
 */
export function floodLabels(
  mask: Uint8Array,
  width: number,
  height: number,
  positive: readonly number[],
  connectivity: 4 | 8,
): LabelImage {
  const labels = new Int32Array(width * height);
  const steps: [number, number][] = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
  ];
  if (connectivity === 8) steps.push([1, 1], [1, -1], [-1, 1], [-1, -1]);
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || !positive.includes(mask[start] as number)) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length > 0) {
      const p = queue.pop() as number;
      for (const [dx, dy] of steps) {
        const x = (p % width) + dx;
        const y = Math.floor(p / width) + dy;
        const q = y * width + x;
        if (x < 0 || y < 0 || x >= width || y >= height || labels[q] !== 0) continue;
        if (!positive.includes(mask[q] as number)) continue;
        labels[q] = count;
        queue.push(q);
      }
    }
  }
  return { labels, width, height, count };
}

/**
 * Grows labelled seeds round by round: in each round every unlabelled pixel with a class in `growInto` takes the
 * lowest label among its 4 neighbours labelled before the round.
 * @param seeds - the seed label image (not changed)
 * @param classMap - class values
 * @param growInto - the classes seeds may grow into
 * @param rounds - number of rounds
 * @returns the grown label image
 */
export function growRounds(
  seeds: LabelImage,
  classMap: Uint8Array,
  growInto: readonly number[],
  rounds: number,
): LabelImage {
  const { width, height } = seeds;
  let labels = seeds.labels.slice();
  for (let round = 0; round < rounds; round++) {
    const before = labels;
    labels = before.slice();
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        if (before[p] !== 0 || !growInto.includes(classMap[p] as number)) continue;
        const around = [
          x > 0 ? before[p - 1] : 0,
          x < width - 1 ? before[p + 1] : 0,
          y > 0 ? before[p - width] : 0,
          y < height - 1 ? before[p + width] : 0,
        ].filter((l): l is number => l !== undefined && l > 0);
        if (around.length > 0) labels[p] = Math.min(...around);
      }
  }
  return { labels, width, height, count: seeds.count };
}
