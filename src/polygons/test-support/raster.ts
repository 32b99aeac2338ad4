/** @module polygons/test-support/raster — tiny rasters drawn from text pictures, for raster and metric tests. */

/**
 * A class map from rows of characters: `.` is 0, a digit is that class value, a letter `a`..`z` is class 1.
 * @param rows - equal-length strings, top row first
 * @returns the class map and its size
 */
export function picture(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0]?.length ?? 0;
  const mask = new Uint8Array(width * rows.length);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) {
      const ch = row[x] ?? '.';
      mask[y * width + x] = ch === '.' ? 0 : /[0-9]/.test(ch) ? Number(ch) : 1;
    }
  });
  return { mask, width, height: rows.length };
}

/**
 * A label image from rows of characters: `.` is background, each distinct other character one instance, numbered
 * in order of first appearance.
 * @param rows - equal-length strings, top row first
 * @returns labels, size and instance count
 */
export function labelPicture(rows: string[]): {
  labels: Int32Array;
  width: number;
  height: number;
  count: number;
} {
  const width = rows[0]?.length ?? 0;
  const labels = new Int32Array(width * rows.length);
  const ids = new Map<string, number>();
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) {
      const ch = row[x] ?? '.';
      if (ch === '.') continue;
      if (!ids.has(ch)) ids.set(ch, ids.size + 1);
      labels[y * width + x] = ids.get(ch) ?? 0;
    }
  });
  return { labels, width, height: rows.length, count: ids.size };
}
