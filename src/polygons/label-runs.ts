/**
 * @module polygons/label-runs — connected-component labelling run by run, behind `labelComponents`: a run is a row's
 * stretch of positive pixels, and runs that touch runs of the row above join their component through union–find.
 * Each pixel is read once, and the runs are what multi-class growth starts from.
 */
import type { LabelWorkspace, WorkspaceBuffer } from './label-workspace.ts';

/** Runs of positive pixels in raster order: run r covers pixel indices `[start[r], end[r])` of one row. */
export type LabelRuns = { start: Int32Array; end: Int32Array; size: number };

/** Runs as a union–find forest: `parent[r] < r`, except for roots (`parent[r] = r`). */
type RunForest = LabelRuns & { parent: Int32Array };

/** A buffer of `length` Int32 elements, from the workspace when given (contents left over), else fresh (zeroed). */
export type BufferSource = (name: WorkspaceBuffer, length: number) => Int32Array;

/**
 * The buffers of a labelling call.
 * @param workspace - the caller's workspace, if any
 * @returns a buffer source
 */
export function bufferOf(workspace: LabelWorkspace | undefined): BufferSource {
  return workspace === undefined
    ? (_name, length) => new Int32Array(length)
    : (name, length) => workspace.buffer(name, length);
}

/**
 * Labels the components of the positive pixels of a mask. Unions hang the later root under the earlier one, so the
 * root of a component is its first run in raster order and one pass in run order numbers the components as a flood
 * fill in raster order would.
 * @param mask - class values, `width` per row
 * @param isPositive - 256-entry table, 1 = positive
 * @param connectivity - 4 (runs sharing a column) or 8 (also runs touching at a corner)
 * @param labels - zeroed, mask-sized: receives the labels
 * @param width - row length
 * @param buffer - where the runs are kept
 * @returns the runs and the number of components
 */
export function labelRuns(
  mask: Uint8Array,
  isPositive: Uint8Array,
  connectivity: 4 | 8,
  labels: Int32Array,
  width: number,
  buffer: BufferSource,
): { runs: LabelRuns; count: number } {
  // A row holds at most ceil(width / 2) runs.
  const maxRuns = (labels.length / width) * ((width + 1) >> 1);
  const runs: RunForest = {
    start: buffer('runStart', maxRuns),
    end: buffer('runEnd', maxRuns),
    parent: buffer('runParent', maxRuns),
    size: 0,
  };
  // Runs above must share a column with a run (4) or come within one column of it (8).
  const reach = connectivity === 4 ? 0 : 1;
  const zeroWords = isPositive[0] === 0 ? wordsOf(mask) : undefined;
  for (let row = 0, above = 0; row < labels.length; row += width) {
    const first = runs.size;
    findRowRuns(mask, zeroWords, isPositive, row, row + width, runs);
    joinRows(runs, above, first, width, reach);
    above = first;
  }
  return { runs, count: writeRunLabels(runs, labels) };
}

/**
 * The mask as 32-bit words, 4 pixels each, when its bytes are aligned for that (a view, nothing copied): most of a
 * mask is background, and a zero word is 4 background pixels at one read.
 */
function wordsOf(mask: Uint8Array): Uint32Array | undefined {
  return mask.byteOffset % 4 === 0
    ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2)
    : undefined;
}

/**
 * Appends the runs of positive pixels in `[from, to)`, each its own root. With `zeroWords` (background is not
 * positive), aligned stretches of background are skipped a word at a time.
 */
function findRowRuns(
  mask: Uint8Array,
  zeroWords: Uint32Array | undefined,
  isPositive: Uint8Array,
  from: number,
  to: number,
  runs: RunForest,
): void {
  const { start, end, parent } = runs;
  let i = from;
  while (i < to) {
    if (isPositive[mask[i] as number] === 0) {
      i++;
      if (zeroWords !== undefined && (i & 3) === 0) while (i + 4 <= to && zeroWords[i >> 2] === 0) i += 4;
      continue;
    }
    const r = runs.size++;
    start[r] = i;
    do i++;
    while (i < to && isPositive[mask[i] as number] === 1);
    end[r] = i;
    parent[r] = r;
  }
}

/**
 * Unites every run of the row starting at run `first` with the runs of the row above (`[above, first)`) that come
 * within `reach` columns of it.
 */
function joinRows(runs: RunForest, above: number, first: number, width: number, reach: number): void {
  const { start, end, parent } = runs;
  let p = above;
  for (let r = first; r < runs.size; r++) {
    // This run's reach, as pixel indices of the row above.
    const from = (start[r] as number) - width - reach;
    const to = (end[r] as number) - width + reach;
    // Runs above that end before this run's reach end before every later run's reach too.
    while (p < first && (end[p] as number) <= from) p++;
    for (let q = p; q < first && (start[q] as number) < to; q++) unite(parent, q, r);
  }
}

function unite(parent: Int32Array, a: number, b: number): void {
  const ra = root(parent, a);
  const rb = root(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** Root of run `r`, halving the path on the way (parents stay lower than their children). */
function root(parent: Int32Array, r: number): number {
  let at = r;
  while (parent[at] !== at) {
    const grand = parent[parent[at] as number] as number;
    parent[at] = grand;
    at = grand;
  }
  return at;
}

/**
 * Numbers the components in order of their root runs and writes every run's label. A run's parent comes before it,
 * so it is already numbered (stored negated in place of its parent) when the run is reached.
 * @returns the number of components
 */
function writeRunLabels(runs: RunForest, labels: Int32Array): number {
  const { start, end, parent } = runs;
  let count = 0;
  for (let r = 0; r < runs.size; r++) {
    const p = parent[r] as number;
    const label = p === r ? ++count : -(parent[p] as number);
    parent[r] = -label;
    for (let i = start[r] as number, e = end[r] as number; i < e; i++) labels[i] = label;
  }
  return count;
}
