/**
 * @module polygons/trace-instances — exact outlines of labelled instances: every pixel edge between two different
 * labels becomes part of a ring, so rasterizing the traced polygons gives back exactly the labelled pixels.
 */
import { invalid } from '../shared/index.ts';
import { rasterSize } from './connected-components.ts';
import type { PixelPolygon, PixelRing } from './pixel-polygon.ts';

/** One traced polygon: a 4-connected piece of one instance. */
export type TracedPolygon = {
  /** Outer ring (clockwise on screen, y to the south), then holes (counter-clockwise), in pixel corners. */
  polygon: PixelPolygon;
  /** The instance label the piece belongs to. */
  label: number;
  /** Number of pixels of the piece (its exact area in pixels). */
  pixels: number;
};

/** Pixel-edge directions: east, south, west, north (y grows to the south). */
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;

/**
 * Traces the outline of every labelled instance, holes included. Pixels belong together when they share an edge and a
 * label (4-connectivity, as `labelComponents` labels masks), so an instance whose pixels are not 4-connected yields
 * one polygon per connected piece. Rings follow pixel edges exactly; straight runs are merged, so a ring holds only
 * its corners. Where two pixels of one piece touch only at a corner, the ring pinches there into an outer ring and
 * a hole (or two holes) that touch at that single point; no ring ever visits a vertex twice, so every ring is
 * simple and every polygon is valid in the OGC sense. Outer rings run clockwise on screen (positive shoelace area in
 * pixel coordinates, y to the south), holes counter-clockwise; `pixelPolygonToLonLat` reverses them into RFC 7946
 * winding.
 * @param labels - instance labels, row-major, 0 = background, 1.. = instances
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @returns the polygons of each label, in raster order of each piece's first pixel
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or a negative label
 * @example
 * const polygons = traceInstancePolygons(instances.labels, 256, 256).get(3); // [[outer, ...holes], ...]
 */
export function traceInstancePolygons(
  labels: Int32Array,
  width: number,
  height: number,
): Map<number, PixelPolygon[]> {
  const byLabel = new Map<number, PixelPolygon[]>();
  for (const traced of tracePolygons(labels, width, height)) {
    const list = byLabel.get(traced.label);
    if (list === undefined) byLabel.set(traced.label, [traced.polygon]);
    else list.push(traced.polygon);
  }
  return byLabel;
}

/** Options of {@link tracePolygons}. */
export type TraceOptions = {
  /**
   * The caller vouches that every label is one 4-connected piece (as `labelComponents` and `instancesFromMulticlass`
   * with 4-connectivity produce), so the split into pieces is skipped (about a third of the time). Default false.
   * A label that is not connected after all still rasterizes back exactly, but its ring may touch itself.
   */
  connected?: boolean;
};

/**
 * Like {@link traceInstancePolygons}, as a flat list with each piece's label and pixel count.
 * @param labels - instance labels, row-major, 0 = background
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @param options - `connected` (default false)
 * @returns one entry per 4-connected piece, in raster order of its first pixel (label order when `connected`)
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or a negative label
 */
export function tracePolygons(
  labels: Int32Array,
  width: number,
  height: number,
  options: TraceOptions = {},
): TracedPolygon[] {
  rasterSize({ width, height }, labels.length, 'label raster');
  const pieces = options.connected === true ? labelsAsPieces(labels) : labelPieces(labels, width);
  const stride = width + 1;
  const edges = pixelEdges(pieces.ids, width, height);
  const polygons: PixelPolygon[] = Array.from({ length: pieces.count }, (): PixelPolygon => []);
  const remaining = edges.slice();
  for (let v = 0; v < remaining.length; v++) {
    if (remaining[v] === 0) continue;
    while (remaining[v] !== 0) {
      const dir = lowestBit(remaining[v] as number);
      const { ring, area2, piece } = followRing(v, dir, stride, width, pieces.ids, edges, remaining);
      const polygon = polygons[piece] as PixelPolygon;
      if (area2 > 0) polygon.unshift(ring);
      else polygon.push(ring);
    }
  }
  const traced: TracedPolygon[] = [];
  polygons.forEach((polygon, piece) => {
    if (polygon.length > 0)
      traced.push({
        polygon,
        label: pieces.labelOf[piece] as number,
        pixels: pieces.pixels[piece] as number,
      });
  });
  return traced;
}

/** The labels themselves as pieces (label k = piece k), with their pixel counts. */
function labelsAsPieces(labels: Int32Array): Pieces {
  let count = 0;
  for (let p = 0; p < labels.length; p++) {
    const label = labels[p] as number;
    if (label < 0) invalid(`label raster holds negative label ${label} at pixel ${p}`);
    if (label > count) count = label;
  }
  const pixels = new Int32Array(count);
  for (let p = 0; p < labels.length; p++) {
    const label = labels[p] as number;
    if (label > 0) pixels[label - 1] = (pixels[label - 1] as number) + 1;
  }
  return { ids: labels, count, labelOf: Int32Array.from({ length: count }, (_, i) => i + 1), pixels };
}

type Pieces = { ids: Int32Array; count: number; labelOf: Int32Array; pixels: Int32Array };

/** 4-connected pieces of equal labels: `ids[p]` is piece + 1 (0 = background), pieces in raster order. */
function labelPieces(labels: Int32Array, width: number): Pieces {
  const ids = new Int32Array(labels.length);
  const stack = new Int32Array(labels.length);
  const labelOf: number[] = [];
  const pixels: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    const label = labels[start] as number;
    if (label === 0 || ids[start] !== 0) continue;
    if (label < 0) invalid(`label raster holds negative label ${label} at pixel ${start}`);
    labelOf.push(label);
    pixels.push(floodPiece(labels, ids, stack, width, start, labelOf.length));
  }
  return { ids, count: labelOf.length, labelOf: Int32Array.from(labelOf), pixels: Int32Array.from(pixels) };
}

/**
 * Gives piece `id` to the 4-connected pixels of `start`'s label around it and returns their number. Neighbours are
 * tested inline: a closure per pixel would dominate the run time.
 */
function floodPiece(
  labels: Int32Array,
  ids: Int32Array,
  stack: Int32Array,
  width: number,
  start: number,
  id: number,
): number {
  const label = labels[start] as number;
  const last = labels.length - width;
  let size = 1;
  ids[start] = id;
  let top = 0;
  stack[top++] = start;
  while (top > 0) {
    const p = stack[--top] as number;
    const x = p % width;
    let q = p - 1;
    if (x > 0 && ids[q] === 0 && labels[q] === label) {
      ids[q] = id;
      stack[top++] = q;
      size++;
    }
    q = p + 1;
    if (x < width - 1 && ids[q] === 0 && labels[q] === label) {
      ids[q] = id;
      stack[top++] = q;
      size++;
    }
    q = p - width;
    if (p >= width && ids[q] === 0 && labels[q] === label) {
      ids[q] = id;
      stack[top++] = q;
      size++;
    }
    q = p + width;
    if (p < last && ids[q] === 0 && labels[q] === label) {
      ids[q] = id;
      stack[top++] = q;
      size++;
    }
  }
  return size;
}

/**
 * Directed boundary edges, one bit per direction at their start vertex (vertex `y·(width+1) + x`). Each edge keeps its
 * piece on the right-hand side on screen, so the piece of an edge is the pixel on its right (see {@link pieceOfEdge}).
 */
function pixelEdges(ids: Int32Array, width: number, height: number): Uint8Array {
  const stride = width + 1;
  const edges = new Uint8Array(stride * (height + 1));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const id = ids[p] as number;
      if (id === 0) continue;
      const v = y * stride + x;
      if (y === 0 || ids[p - width] !== id) edges[v] = (edges[v] as number) | 1;
      if (x === width - 1 || ids[p + 1] !== id) edges[v + 1] = (edges[v + 1] as number) | 2;
      if (y === height - 1 || ids[p + width] !== id)
        edges[v + stride + 1] = (edges[v + stride + 1] as number) | 4;
      if (x === 0 || ids[p - 1] !== id) edges[v + stride] = (edges[v + stride] as number) | 8;
    }
  return edges;
}

/** Piece id (1-based) of the pixel on the right of the edge leaving vertex (x, y) in direction `dir`. */
function pieceOfEdge(x: number, y: number, dir: number, width: number, ids: Int32Array): number {
  if (dir === 0) return ids[y * width + x] as number;
  if (dir === 1) return ids[y * width + x - 1] as number;
  if (dir === 2) return ids[(y - 1) * width + x - 1] as number;
  return ids[(y - 1) * width + x] as number;
}

/**
 * Follows one ring from an edge until it returns to that edge. At a vertex the piece has one way on, except where two
 * of its pixels meet diagonally: both are of the same piece there (pieces are 4-connected), and the left turn keeps
 * the ring from visiting the vertex twice.
 */
function followRing(
  start: number,
  startDir: number,
  stride: number,
  width: number,
  ids: Int32Array,
  edges: Uint8Array,
  remaining: Uint8Array,
): { ring: PixelRing; area2: number; piece: number } {
  const sx = start % stride;
  const piece = pieceOfEdge(sx, (start - sx) / stride, startDir, width, ids);
  const ring: PixelRing = [];
  let v = start;
  let dir = startDir;
  let prevDir = -1;
  let area2 = 0;
  do {
    remaining[v] = (remaining[v] as number) & ~(1 << dir);
    const x = v % stride;
    const y = (v - x) / stride;
    if (dir !== prevDir) ring.push([x, y]);
    const nx = x + DX[dir as 0];
    const ny = y + DY[dir as 0];
    area2 += x * ny - nx * y;
    prevDir = dir;
    v = ny * stride + nx;
    dir = nextDirection(nx, ny, v, dir, piece, width, ids, edges);
  } while (v !== start || dir !== startDir);
  // The start vertex lies inside a straight run when the ring leaves it in the direction it arrived.
  if (ring.length > 1 && prevDir === startDir) ring.shift();
  ring.push([...(ring[0] as [number, number])]);
  return { ring, area2, piece: piece - 1 };
}

function nextDirection(
  x: number,
  y: number,
  v: number,
  arrived: number,
  piece: number,
  width: number,
  ids: Int32Array,
  edges: Uint8Array,
): number {
  const out = edges[v] as number;
  // A piece leaves every vertex it enters, so a vertex with a single way out needs no piece test.
  if ((out & (out - 1)) === 0) return out === 1 ? 0 : out === 2 ? 1 : out === 4 ? 2 : 3;
  const left = (arrived + 3) % 4;
  const straight = arrived;
  const right = (arrived + 1) % 4;
  if (out & (1 << left) && pieceOfEdge(x, y, left, width, ids) === piece) return left;
  if (out & (1 << straight) && pieceOfEdge(x, y, straight, width, ids) === piece) return straight;
  if (out & (1 << right) && pieceOfEdge(x, y, right, width, ids) === piece) return right;
  return invalid(`ring tracing lost its way at vertex ${x},${y}`);
}

function lowestBit(bits: number): number {
  return bits & 1 ? 0 : bits & 2 ? 1 : bits & 4 ? 2 : 3;
}
