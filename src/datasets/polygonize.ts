/**
 * @module datasets/polygonize — traces a mask back into pixel-space polygons with holes: one polygon per
 * 4-connected region, its rings following pixel edges. Used to check masks against their labels.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import type { PixelPolygon } from './rasterize.ts';
import { assertRasterSize } from './rasterize.ts';

/** Direction codes of pixel edges: east, south, west, north (y grows to the south). */
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;
const NO_EDGE = 255;

/**
 * Traces the regions of a mask into polygons. A pixel is foreground when `isForeground(value)` (default: value ≠ 0).
 * Regions are 4-connected (pixels touching only at a corner are separate polygons). Each polygon is `[outer,
 * ...holes]` with closed rings of pixel-corner coordinates (`[x, y]`, y to the south); outer rings run clockwise on
 * screen, holes counter-clockwise, and straight runs are merged into single edges.
 * @param mask - row-major values, `width * height` bytes
 * @param width - mask width in pixels
 * @param height - mask height in pixels
 * @param isForeground - which values belong to regions (default: non-zero)
 * @returns one polygon per region, in order of each region's first pixel (row-major)
 * @throws AppError INVALID_PARAMETER_VALUE when the mask length does not match the size
 */
export function polygonizeMask(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  isForeground: (value: number) => boolean = (v) => v !== 0,
): PixelPolygon[] {
  assertRasterSize(width, height);
  if (mask.length !== width * height) invalid(`mask has ${mask.length} values, expected ${width}x${height}`);
  const fg = new Uint8Array(width * height);
  for (let p = 0; p < fg.length; p++) fg[p] = isForeground(mask[p] as number) ? 1 : 0;
  const { labels, count } = labelRegions(fg, width, height);
  const rings = traceRings(fg, labels, width, height);
  const polygons: PixelPolygon[] = Array.from({ length: count }, () => []);
  const holes: Position[][][] = Array.from({ length: count }, () => []);
  for (const ring of rings) {
    if (ring.area > 0) (polygons[ring.region] as PixelPolygon).unshift(ring.points);
    else (holes[ring.region] as Position[][]).push(ring.points);
  }
  return polygons.map((polygon, i) => [...polygon, ...(holes[i] as Position[][])]);
}

/** 4-connected component labels (1-based; 0 = background) by an iterative flood fill. */
function labelRegions(fg: Uint8Array, width: number, height: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(fg.length);
  const stack = new Int32Array(fg.length);
  const last = width * height - width;
  let count = 0;
  for (let start = 0; start < fg.length; start++) {
    if (fg[start] === 0 || labels[start] !== 0) continue;
    count++;
    labels[start] = count;
    let top = 0;
    stack[top++] = start;
    // Neighbours are tested inline: a closure per pixel would dominate the run time.
    while (top > 0) {
      const p = stack[--top] as number;
      const x = p % width;
      if (x > 0 && fg[p - 1] === 1 && labels[p - 1] === 0) {
        labels[p - 1] = count;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && fg[p + 1] === 1 && labels[p + 1] === 0) {
        labels[p + 1] = count;
        stack[top++] = p + 1;
      }
      if (p >= width && fg[p - width] === 1 && labels[p - width] === 0) {
        labels[p - width] = count;
        stack[top++] = p - width;
      }
      if (p < last && fg[p + width] === 1 && labels[p + width] === 0) {
        labels[p + width] = count;
        stack[top++] = p + width;
      }
    }
  }
  return { labels, count };
}

type TracedRing = { region: number; area: number; points: Position[] };

/**
 * Boundary edges run clockwise around each foreground pixel (foreground on the right-hand side on screen). Each
 * vertex has at most two outgoing edges (two at a saddle, where two diagonal pixels meet); taking the right turn there
 * keeps hugging the current pixel, which is what makes regions 4-connected.
 */
function traceRings(fg: Uint8Array, labels: Int32Array, width: number, height: number): TracedRing[] {
  const stride = width + 1;
  const vertexCount = stride * (height + 1);
  const out1 = new Uint8Array(vertexCount).fill(NO_EDGE);
  const out2 = new Uint8Array(vertexCount).fill(NO_EDGE);
  const regionOfEdge = new Int32Array(vertexCount * 4);
  const addEdge = (x: number, y: number, dir: number, region: number): void => {
    const v = y * stride + x;
    if (out1[v] === NO_EDGE) out1[v] = dir;
    else out2[v] = dir;
    regionOfEdge[v * 4 + dir] = region;
  };
  const isFg = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && fg[y * width + x] === 1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (fg[y * width + x] === 0) continue;
      const region = labels[y * width + x] as number;
      if (!isFg(x, y - 1)) addEdge(x, y, 0, region);
      if (!isFg(x + 1, y)) addEdge(x + 1, y, 1, region);
      if (!isFg(x, y + 1)) addEdge(x + 1, y + 1, 2, region);
      if (!isFg(x - 1, y)) addEdge(x, y + 1, 3, region);
    }
  const rings: TracedRing[] = [];
  for (let v = 0; v < vertexCount; v++)
    while (out1[v] !== NO_EDGE) {
      const dir = out1[v] as number;
      rings.push(followRing(v, dir, stride, out1, out2, regionOfEdge[v * 4 + dir] as number));
    }
  return rings;
}

function followRing(
  start: number,
  startDir: number,
  stride: number,
  out1: Uint8Array,
  out2: Uint8Array,
  region: number,
): TracedRing {
  const points: Position[] = [];
  let v = start;
  let dir = startDir;
  let prevDir = -1;
  let area2 = 0;
  for (;;) {
    takeEdge(v, dir, out1, out2);
    const x = v % stride;
    const y = (v - x) / stride;
    if (dir !== prevDir) points.push([x, y]);
    const nx = x + DX[dir as 0];
    const ny = y + DY[dir as 0];
    area2 += x * ny - nx * y;
    prevDir = dir;
    v = ny * stride + nx;
    if (v === start && closesAtStart(dir, startDir, out1[v] as number)) break;
    dir = nextDirection(v, dir, out1, out2);
  }
  // The start vertex sits inside a straight run when the ring arrives back in the direction it left.
  if (points.length > 1 && prevDir === startDir) points.shift();
  points.push([...(points[0] as Position)]);
  return { region: region - 1, area: area2 / 2, points };
}

/** Back at the start vertex: the ring closes unless the start is a saddle whose right turn is the other edge. */
function closesAtStart(arrivedDir: number, startDir: number, remaining: number): boolean {
  return remaining === NO_EDGE || startDir === (arrivedDir + 1) % 4;
}

/** The outgoing edge to take at vertex v after arriving in direction `dir`: the right turn at a saddle. */
function nextDirection(v: number, dir: number, out1: Uint8Array, out2: Uint8Array): number {
  const a = out1[v] as number;
  const b = out2[v] as number;
  if (b === NO_EDGE) return a;
  const right = (dir + 1) % 4;
  return a === right || b === right ? right : a;
}

function takeEdge(v: number, dir: number, out1: Uint8Array, out2: Uint8Array): void {
  if (out2[v] === dir) out2[v] = NO_EDGE;
  else if (out1[v] === dir) {
    out1[v] = out2[v] as number;
    out2[v] = NO_EDGE;
  }
}
