/**
 * @module polygons/class-selection — which class values of a mask count as "building": the option every raster
 * function here (components, instances) and the pixel metrics above share.
 */
import { invalid } from '../shared/index.ts';

/**
 * Which class values count as "building": one value, a list, or a predicate over 0..255. Default everywhere:
 * every value > 0.
 */
export type PositiveClasses = number | readonly number[] | ((value: number) => boolean);

/**
 * A 256-entry lookup (1 = building) of a {@link PositiveClasses} option.
 * @param positive - the building classes, default every value > 0
 * @returns the table
 * @throws AppError INVALID_PARAMETER_VALUE on a class value outside 0..255
 */
export function positiveTable(positive: PositiveClasses | undefined): Uint8Array {
  const table = new Uint8Array(256);
  const test =
    positive === undefined
      ? (v: number) => v > 0
      : typeof positive === 'function'
        ? positive
        : classSet(typeof positive === 'number' ? [positive] : positive);
  for (let v = 0; v < 256; v++) table[v] = test(v) ? 1 : 0;
  return table;
}

function classSet(values: readonly number[]): (v: number) => boolean {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 0 || v > 255) invalid(`class value ${v} must be an integer in 0..255`);
  }
  const set = new Set(values);
  return (v) => set.has(v);
}
