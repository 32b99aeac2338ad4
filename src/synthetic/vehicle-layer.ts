/**
 * @module synthetic/vehicle-layer — cars and minibuses on the main roads, with their shadows: small bright
 * rectangles that are not buildings, so a model learns to leave them out.
 */
import { rectCorners, type OrientedRect } from './building-shapes.ts';
import { fillPolygon } from './coverage.ts';
import { ringToPixels, type PixelWindow } from './pixel-window.ts';
import { createRandom, hashInts, Tag } from './random.ts';
import type { RoadPiece } from './road-network.ts';
import type { Rgb } from './roof-style.ts';
import { groundToScene } from './scene.ts';
import { SHADOW_DIRECTION, SHADOW_PER_METRE } from './scene-objects.ts';

/** A vehicle: its body rectangle (first axis along its length) and paint. */
export type Vehicle = { readonly body: OrientedRect; readonly paint: Rgb };

const PAINTS: readonly Rgb[] = [
  [232, 232, 228],
  [226, 228, 230],
  [178, 180, 182],
  [40, 42, 46],
  [168, 40, 36],
  [44, 70, 128],
  [214, 190, 60],
];

/** The vehicle standing on a road piece, if any (one in ~15 pieces of paved road, one in ~60 of dirt road). */
export function vehicleOnPiece(seed: number, piece: RoadPiece): Vehicle | undefined {
  if (piece.kind !== 'paved' && piece.kind !== 'dirt') return undefined;
  const random = createRandom(hashInts(seed, Tag.vehicle, piece.roadId, Math.round(piece.run)));
  if (!random.chance(piece.kind === 'paved' ? 0.07 : 0.018)) return undefined;
  const dx = piece.s1 - piece.s0;
  const dy = piece.t1 - piece.t0;
  const length = Math.hypot(dx, dy);
  const [cos, sin] = [dx / length, dy / length];
  const side = (random.chance(0.5) ? 1 : -1) * piece.halfWidth * random.range(0.35, 0.6);
  const along = random.range(0.2, 0.8);
  const minibus = random.chance(0.2);
  return {
    body: {
      cx: piece.s0 + dx * along - sin * side,
      cy: piece.t0 + dy * along + cos * side,
      hx: minibus ? random.range(2.4, 2.7) : random.range(2.05, 2.4),
      hy: minibus ? 0.95 : random.range(0.85, 0.92),
      cos,
      sin,
    },
    paint: minibus ? [236, 236, 232] : random.pick(PAINTS),
  };
}

/**
 * Paints vehicles: shadow first, then the body with a dark windscreen band.
 * @param scratch - zeroed Float32Array of the window's width
 * @param out - interleaved RGB floats, painted over
 */
export function paintVehicles(
  win: PixelWindow,
  vehicles: readonly Vehicle[],
  scratch: Float32Array,
  out: Float32Array,
): void {
  const [ds, dt] = groundToScene(win.frame, SHADOW_DIRECTION[0], SHADOW_DIRECTION[1]);
  const { cos: fc, sin: fs } = win.frame;
  const shift = 1.5 * SHADOW_PER_METRE;
  for (const { body, paint } of vehicles) {
    const shadow = rectCorners({ ...body, cx: body.cx + ds * shift, cy: body.cy + dt * shift });
    fillPolygon(win, ringToPixels(win, shadow), scratch, (i, c) => {
      for (let k = 0; k < 3; k++) out[3 * i + k] = (out[3 * i + k] as number) * (1 - 0.5 * c);
    });
    fillPolygon(win, ringToPixels(win, rectCorners(body)), scratch, (i, c, col, row) => {
      const u = win.us[col - win.x0] as number;
      const v = win.vs[row - win.y0] as number;
      const a = ((fc * u + fs * v - body.cx) * body.cos + (-fs * u + fc * v - body.cy) * body.sin) / body.hx;
      const glass = a > 0.25 && a < 0.55 ? 0.35 : a < -0.7 ? 0.75 : 1;
      for (let k = 0; k < 3; k++)
        out[3 * i + k] = (out[3 * i + k] as number) * (1 - c) + (paint[k] as number) * glass * c;
    });
  }
}
