/**
 * @module synthetic/roof-layer — paints roofs: each building's outline filled with anti-aliased coverage, lit per
 * roof facet by the sun (gable, hip, shed or flat), with sheet seams on metal, mottling on tiles, stains on concrete
 * and a darker eave line along the outline.
 */
import type { OrientedRect } from './building-shapes.ts';
import { fillPolygon } from './coverage.ts';
import type { WindowFields } from './ground-layer.ts';
import { ringToPixels, type PixelWindow } from './pixel-window.ts';
import type { RoofStyle } from './roof-style.ts';
import { groundToScene } from './scene.ts';
import { SHADOW_DIRECTION, type SceneBuilding } from './scene-objects.ts';

/** One roof part prepared for shading: its ridge axis `(ex, ey)`, half-length along it and half-width across it. */
type PartShading = {
  cx: number;
  cy: number;
  ex: number;
  ey: number;
  along: number;
  across: number;
  /** Brightness of the facets facing +across, −across, +along, −along. */
  lit: readonly [number, number, number, number];
};

function prepareParts(
  parts: readonly OrientedRect[],
  roof: RoofStyle,
  sun: readonly [number, number],
): PartShading[] {
  const slopeLight = roof.material === 'metal' ? 0.2 : 0.16;
  return parts.map((part) => {
    const longX = part.hx >= part.hy;
    const ex = longX ? part.cos : -part.sin;
    const ey = longX ? part.sin : part.cos;
    const facing = (nx: number, ny: number): number => 1 + slopeLight * (nx * sun[0] + ny * sun[1]);
    return {
      cx: part.cx,
      cy: part.cy,
      ex,
      ey,
      along: Math.max(part.hx, part.hy),
      across: Math.min(part.hx, part.hy),
      lit: [facing(-ey, ex), facing(ey, -ex), facing(ex, ey), facing(-ex, -ey)],
    };
  });
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Brightness of a roof at local `(a, b)` (along, across the ridge) of its part; `px` is metres per pixel. */
function facetLight(roof: RoofStyle, part: PartShading, a: number, b: number, px: number): number {
  const [plusAcross, minusAcross, plusAlong, minusAlong] = part.lit;
  if (roof.form === 'flat') return 1;
  if (roof.form === 'shed') return 1 + 0.6 * ((roof.slopeSign > 0 ? plusAcross : minusAcross) - 1);
  const side = minusAcross + (plusAcross - minusAcross) * clamp01(b / px + 0.5);
  if (roof.form === 'gable') return side;
  const end = minusAlong + (plusAlong - minusAlong) * clamp01(a / px + 0.5);
  const sideness = part.along - Math.abs(a) - (part.across - Math.abs(b));
  return end + (side - end) * clamp01(sideness / px + 0.5);
}

/** Distance from a point to a building's outline, metres. */
function distanceToOutline(ring: SceneBuilding['ring'], s: number, t: number): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [as, at] = ring[j] as readonly [number, number];
    const [bs, bt] = ring[i] as readonly [number, number];
    const dx = bs - as;
    const dy = bt - at;
    const f = clamp01(((s - as) * dx + (t - at) * dy) / (dx * dx + dy * dy));
    const ex = s - as - f * dx;
    const ey = t - at - f * dy;
    const d = ex * ex + ey * ey;
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}

function textureOf(roof: RoofStyle, a: number, grain: number, patch: number, px: number): number {
  if (roof.material === 'metal') {
    const visible = clamp01((roof.seamPeriod / px - 2) / 2);
    return 1 + 0.05 * visible * Math.cos((2 * Math.PI * a) / roof.seamPeriod) + 0.1 * patch + 0.05 * grain;
  }
  if (roof.material === 'tile') return 1 + 0.06 * patch + 0.12 * grain;
  return 1 + 0.14 * patch + 0.06 * grain;
}

/**
 * Paints roofs, in order (touching roofs share edge pixels, so the order is fixed by the caller).
 * @param scratch - zeroed Float32Array of the window's width
 * @param out - interleaved RGB floats, painted over
 */
export function paintRoofs(
  win: PixelWindow,
  buildings: readonly SceneBuilding[],
  fields: WindowFields,
  scratch: Float32Array,
  out: Float32Array,
): void {
  const { cos, sin } = win.frame;
  const sun = groundToScene(win.frame, -SHADOW_DIRECTION[0], -SHADOW_DIRECTION[1]);
  const px = win.metresPerPixel;
  const eave = Math.max(0.25, 0.6 * px);
  const edgeReach = Math.max(0.7, eave);
  for (const building of buildings) {
    const { roof, ring } = building;
    const parts = prepareParts(building.parts, roof, sun);
    const [r0, g0, b0] = roof.colour;
    fillPolygon(win, ringToPixels(win, ring), scratch, (i, coverage, col, row) => {
      const u = win.us[col - win.x0] as number;
      const v = win.vs[row - win.y0] as number;
      const s = cos * u + sin * v;
      const t = -sin * u + cos * v;
      let part = parts[0] as PartShading;
      let a = 0;
      let b = 0;
      for (const candidate of parts) {
        part = candidate;
        a = (s - part.cx) * part.ex + (t - part.cy) * part.ey;
        b = -(s - part.cx) * part.ey + (t - part.cy) * part.ex;
        if (Math.abs(a) <= part.along + 1e-6 && Math.abs(b) <= part.across + 1e-6) break;
      }
      // The outline is made of part edges, so a point far inside its part is far from the outline too.
      const inner = Math.min(part.along - Math.abs(a), part.across - Math.abs(b));
      const edge = inner > edgeReach ? inner : distanceToOutline(ring, s, t);
      const rim =
        roof.form === 'flat'
          ? edge < 0.35
            ? 1.06
            : edge < 0.7
              ? 0.95
              : 1
          : 1 - 0.14 * (1 - Math.min(1, edge / eave));
      const light =
        facetLight(roof, part, a, b, px) *
        textureOf(roof, a, fields.grain[i] as number, fields.patch[i] as number, px) *
        rim;
      out[3 * i] = (out[3 * i] as number) * (1 - coverage) + r0 * light * coverage;
      out[3 * i + 1] = (out[3 * i + 1] as number) * (1 - coverage) + g0 * light * coverage;
      out[3 * i + 2] = (out[3 * i + 2] as number) * (1 - coverage) + b0 * light * coverage;
    });
  }
}
