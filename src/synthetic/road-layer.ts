/** @module synthetic/road-layer — paints roads: asphalt with dusty shoulders, laterite roads with worn tracks, paths. */
import { fillCapsule } from './coverage.ts';
import { sceneToPixel, type PixelWindow } from './pixel-window.ts';
import { MAX_ROAD_REACH, ROAD_KNOT, roadPieces, type RoadKind, type Superblock } from './road-network.ts';
import { insideArea, sceneToGround } from './scene.ts';
import type { SceneRect } from './scene-content.ts';
import type { WindowFields } from './ground-layer.ts';
import { vehicleOnPiece, type Vehicle } from './vehicle-layer.ts';

type Surface = { cover: Float32Array; depth: Float32Array };

function surfaceIndex(kind: RoadKind): number {
  return kind === 'paved' ? 0 : kind === 'path' ? 2 : 1;
}

/**
 * Paints every road piece of the given superblocks that lies inside the area and reaches the window.
 * @param rect - scene rectangle covering the window
 * @param out - interleaved RGB floats, painted over
 * @returns the vehicles standing on the pieces (only at zooms finer than 1 m per pixel), for the caller to paint
 */
export function paintRoads(
  win: PixelWindow,
  superblocks: readonly Superblock[],
  rect: SceneRect,
  fields: WindowFields,
  out: Float32Array,
): Vehicle[] {
  const n = win.width * win.height;
  const vehicles: Vehicle[] = [];
  const withVehicles = win.metresPerPixel < 1;
  const surfaces: Surface[] = [0, 1, 2].map(() => ({
    cover: new Float32Array(n),
    depth: new Float32Array(n),
  }));
  const { frame } = win;
  const lo = (axis: 's' | 't'): number => (axis === 's' ? rect[1] : rect[0]) - MAX_ROAD_REACH;
  const hi = (axis: 's' | 't'): number => (axis === 's' ? rect[3] : rect[2]) + MAX_ROAD_REACH;
  // Coarse zooms: knots about two pixels apart, and no roads narrower than a third of a pixel.
  const knot = ROAD_KNOT * 2 ** Math.max(0, Math.ceil(Math.log2((2 * win.metresPerPixel) / ROAD_KNOT)));
  for (const superblock of superblocks)
    for (const road of superblock.roads) {
      if (road.halfWidth < 0.3 * win.metresPerPixel) continue;
      const cross = road.pos;
      const [c0, c1] = road.axis === 's' ? [rect[0], rect[2]] : [rect[1], rect[3]];
      if (cross < c0 - 2 * MAX_ROAD_REACH || cross > c1 + 2 * MAX_ROAD_REACH) continue;
      const surface = surfaces[surfaceIndex(road.kind)] as Surface;
      for (const piece of roadPieces(frame, road, lo(road.axis), hi(road.axis), knot)) {
        const [ua, va] = sceneToGround(frame, piece.s0, piece.t0);
        const [ub, vb] = sceneToGround(frame, piece.s1, piece.t1);
        if (!insideArea(frame, ua, va) || !insideArea(frame, ub, vb)) continue;
        const [ax, ay] = sceneToPixel(win, piece.s0, piece.t0);
        const [bx, by] = sceneToPixel(win, piece.s1, piece.t1);
        if (withVehicles) {
          const vehicle = vehicleOnPiece(frame.seed, piece);
          if (vehicle) vehicles.push(vehicle);
        }
        const radius = piece.halfWidth / win.metresPerPixel;
        fillCapsule(win, ax, ay, bx, by, radius, (i, c, _col, _row, depth) => {
          if (c > (surface.cover[i] as number)) surface.cover[i] = c;
          const relative = depth / (radius + 0.5);
          if (relative > (surface.depth[i] as number)) surface.depth[i] = relative;
        });
      }
    }
  composite(n, surfaces, fields, out);
  return vehicles;
}

function blend(out: Float32Array, p: number, cover: number, r: number, g: number, b: number): void {
  out[3 * p] = (out[3 * p] as number) * (1 - cover) + r * cover;
  out[3 * p + 1] = (out[3 * p + 1] as number) * (1 - cover) + g * cover;
  out[3 * p + 2] = (out[3 * p + 2] as number) * (1 - cover) + b * cover;
}

function composite(n: number, surfaces: readonly Surface[], fields: WindowFields, out: Float32Array): void {
  const [paved, dirt, path] = surfaces as [Surface, Surface, Surface];
  for (let p = 0; p < n; p++) {
    const texture = 1 + 0.12 * (fields.patch[p] as number) + 0.16 * (fields.grain[p] as number);
    const pc = path.cover[p] as number;
    if (pc > 0) blend(out, p, pc * 0.8, 164 * texture, 140 * texture, 114 * texture);
    const dc = dirt.cover[p] as number;
    if (dc > 0) {
      // Worn tracks: lighter towards the middle, two darker ruts either side of it.
      const depth = dirt.depth[p] as number;
      const rut = Math.exp(-((depth - 0.55) ** 2) / 0.01) * 0.07;
      const shade = (0.96 + 0.08 * depth - rut) * texture;
      blend(out, p, dc, 186 * shade, 156 * shade, 124 * shade);
    }
    const ac = paved.cover[p] as number;
    if (ac > 0) {
      // Asphalt, with sand blown onto its edges.
      const sand = Math.max(0, 1 - (paved.depth[p] as number) * 4);
      const tone = 1 + 0.08 * (fields.patch[p] as number) + 0.06 * (fields.grain[p] as number);
      blend(out, p, ac, (92 + 70 * sand) * tone, (92 + 52 * sand) * tone, (94 + 34 * sand) * tone);
    }
  }
}
