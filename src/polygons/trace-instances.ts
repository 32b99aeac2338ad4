/**
 * @module polygons/trace-instances — exact outlines of labelled instances: every pixel edge between two different
 * labels becomes part of a ring, so rasterizing the traced polygons gives back exactly the labelled pixels.
 */
import { invalid } from '../shared/index.ts';
import { rasterSize } from './connected-components.ts';
import type { LabelImage } from './connected-components.ts';
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
  const polygons: PixelPolygon[] = Array.from({ length: pieces.count }, (): PixelPolygon => []);
  const view: LabelView = { ids: pieces.ids, width, base: 0, dx: 0, dy: 0 };
  traceRings(view, boundaryEdges(view, width, height), (piece) => polygons[piece - 1] as PixelPolygon);
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

/** Pixels `[x0, x1) × [y0, y1)` of a raster. */
export type PixelBox = { x0: number; y0: number; x1: number; y1: number };

/** Options of {@link traceLabel}. */
export type TraceLabelOptions = {
  /** Added to every vertex, default `[0, 0]`. */
  offset?: readonly [number, number];
  /**
   * The label's pixel count, when the caller knows it and the label is 4-connected: an outer ring around exactly that
   * many pixels leaves no room for holes, so only the outline is followed and the box is not scanned. Default unknown.
   */
  pixels?: number;
};

/**
 * Traces one instance of a label image inside a box that holds all its pixels, without copying it out: the rings
 * {@link tracePolygons} gives with `connected: true` for that label alone, in image pixel corners plus `offset`. Other
 * labels in the box count as background. For a caller tracing a few instances of a large image (the streaming
 * scanner), this is far less work than tracing the whole image or a copy of each box.
 * @param image - the label image
 * @param label - the instance, assumed 4-connected (otherwise its ring may touch itself, as with `connected: true`)
 * @param box - a box inside the image holding every pixel of `label` (its bounding box)
 * @param options - `offset` (default `[0, 0]`), `pixels` (default unknown)
 * @returns the outer ring then the holes; empty when the box holds no pixel of `label`
 * @throws AppError INVALID_PARAMETER_VALUE when the box is empty or leaves the image
 * @example
 * const polygon = traceLabel(image, 3, { x0: 10, y0: 4, x1: 25, y1: 19 }, { offset: [gridX0, gridY0] });
 */
export function traceLabel(
  image: LabelImage,
  label: number,
  box: PixelBox,
  options: TraceLabelOptions = {},
): PixelPolygon {
  const { x0, y0, x1, y1 } = box;
  const integers = [x0, y0, x1, y1].every(Number.isSafeInteger);
  if (!(integers && x0 >= 0 && y0 >= 0 && x1 > x0 && y1 > y0 && x1 <= image.width && y1 <= image.height))
    invalid(
      `box ${x0},${y0}..${x1},${y1} must be a non-empty box inside the ${image.width}x${image.height} image`,
    );
  const [offsetX, offsetY] = options.offset ?? [0, 0];
  const view: LabelView = {
    ids: image.labels,
    width: image.width,
    base: y0 * image.width + x0,
    dx: x0 + offsetX,
    dy: y0 + offsetY,
  };
  if (options.pixels !== undefined) {
    const outline = traceOutline(view, label, x1 - x0, y1 - y0);
    if (outline !== undefined && outline.area2 === 2 * options.pixels) return [outline.ring];
  }
  const polygon: PixelPolygon = [];
  traceRings(view, boundaryEdges(view, x1 - x0, y1 - y0, label), () => polygon);
  return polygon;
}

/**
 * The ring from the top-left corner of the label's first pixel in a `width`×`height` box: its outer ring, followed
 * pixel by pixel. The edges out of a vertex are read off the four pixels around it, and the turn among them is the
 * one {@link nextDirection} takes on the edge grid, so the ring is the one {@link traceRings} finds.
 * @returns the ring and twice its area; undefined when the box holds no pixel of the label
 */
function traceOutline(
  view: LabelView,
  label: number,
  width: number,
  height: number,
): { ring: PixelRing; area2: number } | undefined {
  const { ids, width: rowStride, base, dx, dy } = view;
  const inside = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && ids[base + y * rowStride + x] === label;
  const first = firstPixel(view, label, width, height);
  if (first < 0) return undefined;
  const sx = first % width;
  const sy = (first - sx) / width;
  const ring: PixelRing = [];
  let x = sx;
  let y = sy;
  let dir = 0;
  let prevDir = -1;
  let area2 = 0;
  do {
    if (dir !== prevDir) ring.push([x + dx, y + dy]);
    const nx = x + DX[dir as 0];
    const ny = y + DY[dir as 0];
    area2 += x * ny - nx * y;
    prevDir = dir;
    x = nx;
    y = ny;
    const nw = inside(x - 1, y - 1);
    const ne = inside(x, y - 1);
    const sw = inside(x - 1, y);
    const se = inside(x, y);
    // The edge in each direction exists where the pixel on its right is inside and the one on its left is not.
    const out = (se && !ne ? 1 : 0) | (sw && !se ? 2 : 0) | (nw && !sw ? 4 : 0) | (ne && !nw ? 8 : 0);
    dir = turn(out, dir, x, y);
  } while (x !== sx || y !== sy || dir !== 0);
  if (ring.length > 1 && prevDir === 0) ring.shift();
  ring.push([...(ring[0] as [number, number])]);
  return { ring, area2 };
}

/** Box index of the label's first pixel in raster order, -1 when there is none. */
function firstPixel(view: LabelView, label: number, width: number, height: number): number {
  for (let y = 0; y < height; y++)
    for (let x = 0, p = view.base + y * view.width; x < width; x++, p++)
      if (view.ids[p] === label) return y * width + x;
  return -1;
}

/**
 * The way on from vertex (x, y), arrived at in direction `arrived`, among the edges of one piece leaving it (`out`,
 * one bit per direction): the only one, else the left turn, straight on or the right turn, in that order.
 */
function turn(out: number, arrived: number, x: number, y: number): number {
  if ((out & (out - 1)) === 0 && out !== 0) return out === 1 ? 0 : out === 2 ? 1 : out === 4 ? 2 : 3;
  const left = (arrived + 3) % 4;
  const right = (arrived + 1) % 4;
  if (out & (1 << left)) return left;
  if (out & (1 << arrived)) return arrived;
  if (out & (1 << right)) return right;
  return invalid(`ring tracing lost its way at vertex ${x},${y}`);
}

/**
 * A label raster as tracing reads it: pixel (x, y) of the traced area is `ids[base + y·width + x]`, and ring vertices
 * are shifted by (dx, dy).
 */
type LabelView = { ids: Int32Array; width: number; base: number; dx: number; dy: number };

/**
 * Follows every ring of `edges` (vertex grid of the traced area, one bit per direction), adding each to the polygon of
 * its piece: outer rings (positive area) first, holes after, in raster order of their start vertices. Rings use up
 * their edges, so the scan for start vertices stops once every edge is in a ring.
 */
function traceRings(view: LabelView, edges: VertexEdges, polygonOf: (piece: number) => PixelPolygon): void {
  const { bits } = edges;
  let left = edges.count;
  for (let v = 0; left > 0; v++) {
    while (bits[v] !== 0) {
      const { ring, area2, piece, length } = followRing(v, lowestBit(bits[v] as number), view, edges);
      left -= length;
      const polygon = polygonOf(piece);
      if (area2 > 0) polygon.unshift(ring);
      else polygon.push(ring);
    }
  }
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
 * Directed boundary edges, one bit per direction at their start vertex (`bits[y·stride + x]`, stride = width + 1),
 * `count` of them. Each edge keeps its piece on the right-hand side on screen, so the piece of an edge is the pixel on
 * its right (see {@link pieceOfEdge}).
 */
type VertexEdges = { bits: Uint8Array; stride: number; count: number };

/**
 * The boundary edges of the pixels in a `width`×`height` box of a view: of every piece, or of label `only` alone
 * (other labels then count as background).
 */
function boundaryEdges(view: LabelView, width: number, height: number, only?: number): VertexEdges {
  const { ids, width: rowStride, base } = view;
  const stride = width + 1;
  const edges = new Uint8Array(stride * (height + 1));
  let count = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0, p = base + y * rowStride; x < width; x++, p++) {
      const id = ids[p] as number;
      if (id === 0 || (only !== undefined && id !== only)) continue;
      const v = y * stride + x;
      if (y === 0 || ids[p - rowStride] !== id) count += setEdge(edges, v, 1);
      if (x === width - 1 || ids[p + 1] !== id) count += setEdge(edges, v + 1, 2);
      if (y === height - 1 || ids[p + rowStride] !== id) count += setEdge(edges, v + stride + 1, 4);
      if (x === 0 || ids[p - 1] !== id) count += setEdge(edges, v + stride, 8);
    }
  return { bits: edges, stride, count };
}

/** Sets direction bit `bit` at vertex v; returns 1, the number of edges added (each edge has one pixel on its right). */
function setEdge(edges: Uint8Array, v: number, bit: number): number {
  edges[v] = (edges[v] as number) | bit;
  return 1;
}

/** Piece id (1-based) of the pixel on the right of the edge leaving vertex (x, y) in direction `dir`. */
function pieceOfEdge(x: number, y: number, dir: number, view: LabelView): number {
  const { ids, width, base } = view;
  if (dir === 0) return ids[base + y * width + x] as number;
  if (dir === 1) return ids[base + y * width + x - 1] as number;
  if (dir === 2) return ids[base + (y - 1) * width + x - 1] as number;
  return ids[base + (y - 1) * width + x] as number;
}

/**
 * Follows one ring from an edge until it returns to that edge, using up its edges. At a vertex the piece has one way
 * on, except where two of its pixels meet diagonally: both are of the same piece there (pieces are 4-connected), and
 * the left turn keeps the ring from visiting the vertex twice. That rule pairs each edge into a vertex with its own
 * edge out, so the edges used up earlier are never the way on and choosing among those left gives the same turn. The
 * start edge is used up last, so the ring finds it again to close.
 */
function followRing(
  start: number,
  startDir: number,
  view: LabelView,
  edges: VertexEdges,
): { ring: PixelRing; area2: number; piece: number; length: number } {
  const { stride, bits } = edges;
  const { dx, dy } = view;
  let x = start % stride;
  let y = (start - x) / stride;
  const piece = pieceOfEdge(x, y, startDir, view);
  const ring: PixelRing = [];
  let v = start;
  let dir = startDir;
  let prevDir = -1;
  let area2 = 0;
  let length = 0;
  do {
    if (length++ > 0) bits[v] = (bits[v] as number) & ~(1 << dir);
    if (dir !== prevDir) ring.push([x + dx, y + dy]);
    const nx = x + DX[dir as 0];
    const ny = y + DY[dir as 0];
    area2 += x * ny - nx * y;
    prevDir = dir;
    x = nx;
    y = ny;
    v = ny * stride + nx;
    dir = nextDirection(nx, ny, v, dir, piece, view, bits);
  } while (v !== start || dir !== startDir);
  bits[start] = (bits[start] as number) & ~(1 << startDir);
  // The start vertex lies inside a straight run when the ring leaves it in the direction it arrived.
  if (ring.length > 1 && prevDir === startDir) ring.shift();
  ring.push([...(ring[0] as [number, number])]);
  return { ring, area2, piece, length };
}

function nextDirection(
  x: number,
  y: number,
  v: number,
  arrived: number,
  piece: number,
  view: LabelView,
  edges: Uint8Array,
): number {
  const out = edges[v] as number;
  // A piece leaves every vertex it enters, so a vertex with a single way out needs no piece test.
  if ((out & (out - 1)) === 0) return out === 1 ? 0 : out === 2 ? 1 : out === 4 ? 2 : 3;
  const left = (arrived + 3) % 4;
  const straight = arrived;
  const right = (arrived + 1) % 4;
  if (out & (1 << left) && pieceOfEdge(x, y, left, view) === piece) return left;
  if (out & (1 << straight) && pieceOfEdge(x, y, straight, view) === piece) return straight;
  if (out & (1 << right) && pieceOfEdge(x, y, right, view) === piece) return right;
  return invalid(`ring tracing lost its way at vertex ${x},${y}`);
}

function lowestBit(bits: number): number {
  return bits & 1 ? 0 : bits & 2 ? 1 : bits & 4 ? 2 : 3;
}
