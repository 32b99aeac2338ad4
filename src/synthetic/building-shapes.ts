/**
 * @module synthetic/building-shapes — oriented rectangles, the groups of touching buildings made from them
 * (rectangles, L-shapes, rows, annexed pairs, courtyard clusters) and the overlap tests used to place them.
 */

/** A rectangle in scene metres: centre, half sizes along its own axes, and the direction of its first axis. */
export type OrientedRect = {
  readonly cx: number;
  readonly cy: number;
  readonly hx: number;
  readonly hy: number;
  readonly cos: number;
  readonly sin: number;
};

/** A point `[s, t]` in scene metres. */
export type ScenePoint = readonly [number, number];

/** Shape of one building as drawn. */
export type BuildingShape = 'rectangle' | 'l-shape';

/** One building of a group, in the group's local frame (x along the frontage, y into the lot). */
export type LocalBuilding = {
  /** Outline, counter-clockwise, not closed. */
  ring: ScenePoint[];
  /** Rectangles whose union is the outline (one for a rectangle, two for an L). */
  parts: Array<[number, number, number, number]>;
  shape: BuildingShape;
};

/** A placement of a group: where its local origin goes and how it is turned. */
export type Placement = { x: number; y: number; cos: number; sin: number };

/** Scene point of a local point under a placement. */
export function placePoint(p: Placement, x: number, y: number): ScenePoint {
  return [p.x + p.cos * x - p.sin * y, p.y + p.sin * x + p.cos * y];
}

/** The oriented rectangle of a local axis-aligned rectangle `[x0, y0, x1, y1]` under a placement. */
export function placeRect(p: Placement, rect: readonly [number, number, number, number]): OrientedRect {
  const [x0, y0, x1, y1] = rect;
  const [cx, cy] = placePoint(p, (x0 + x1) / 2, (y0 + y1) / 2);
  return { cx, cy, hx: (x1 - x0) / 2, hy: (y1 - y0) / 2, cos: p.cos, sin: p.sin };
}

/** Corners of an oriented rectangle, counter-clockwise. */
export function rectCorners(r: OrientedRect): ScenePoint[] {
  const ax = r.cos * r.hx;
  const ay = r.sin * r.hx;
  const bx = -r.sin * r.hy;
  const by = r.cos * r.hy;
  return [
    [r.cx - ax - bx, r.cy - ay - by],
    [r.cx + ax - bx, r.cy + ay - by],
    [r.cx + ax + bx, r.cy + ay + by],
    [r.cx - ax + bx, r.cy - ay + by],
  ];
}

/** Whether two oriented rectangles, each grown by `gap / 2`, overlap (separating-axis test). */
export function rectsOverlap(a: OrientedRect, b: OrientedRect, gap: number): boolean {
  const dx = b.cx - a.cx;
  const dy = b.cy - a.cy;
  const g = gap / 2;
  for (const [ux, uy] of [
    [a.cos, a.sin],
    [-a.sin, a.cos],
    [b.cos, b.sin],
    [-b.sin, b.cos],
  ] as const) {
    const ra =
      (a.hx + g) * Math.abs(a.cos * ux + a.sin * uy) + (a.hy + g) * Math.abs(-a.sin * ux + a.cos * uy);
    const rb =
      (b.hx + g) * Math.abs(b.cos * ux + b.sin * uy) + (b.hy + g) * Math.abs(-b.sin * ux + b.cos * uy);
    if (Math.abs(dx * ux + dy * uy) > ra + rb) return false;
  }
  return true;
}

/** Whether every corner of a rectangle lies inside an axis-aligned box `[s0, t0, s1, t1]`. */
export function rectInsideBox(r: OrientedRect, box: readonly [number, number, number, number]): boolean {
  return rectCorners(r).every(([s, t]) => s >= box[0] && s <= box[2] && t >= box[1] && t <= box[3]);
}

/** Distance from a point to an oriented rectangle (0 inside). */
export function distanceToRect(r: OrientedRect, s: number, t: number): number {
  const ds = s - r.cx;
  const dt = t - r.cy;
  const a = Math.abs(r.cos * ds + r.sin * dt) - r.hx;
  const b = Math.abs(-r.sin * ds + r.cos * dt) - r.hy;
  return Math.hypot(Math.max(a, 0), Math.max(b, 0));
}

function box(x0: number, y0: number, x1: number, y1: number): LocalBuilding {
  return {
    ring: [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ],
    parts: [[x0, y0, x1, y1]],
    shape: 'rectangle',
  };
}

/** A lone rectangle `w × d` with its front-left corner at the origin. */
export function singleGroup(w: number, d: number): LocalBuilding[] {
  return [box(0, 0, w, d)];
}

/**
 * An L-shaped building `w × d` with the `notchW × notchD` corner cut away at the back, on the right or (mirrored) on
 * the left.
 */
export function lShapeGroup(
  w: number,
  d: number,
  notchW: number,
  notchD: number,
  mirrored: boolean,
): LocalBuilding[] {
  const y = d - notchD;
  if (!mirrored)
    return [
      {
        ring: [
          [0, 0],
          [w, 0],
          [w, y],
          [w - notchW, y],
          [w - notchW, d],
          [0, d],
        ],
        parts: [
          [0, 0, w, y],
          [0, y, w - notchW, d],
        ],
        shape: 'l-shape',
      },
    ];
  return [
    {
      ring: [
        [0, 0],
        [w, 0],
        [w, d],
        [notchW, d],
        [notchW, y],
        [0, y],
      ],
      parts: [
        [0, 0, w, y],
        [notchW, y, w, d],
      ],
      shape: 'l-shape',
    },
  ];
}

/** A terrace of touching units along the frontage: unit i spans `widths[i]` and goes `depths[i]` deep. */
export function rowGroup(widths: readonly number[], depths: readonly number[]): LocalBuilding[] {
  const units: LocalBuilding[] = [];
  let x = 0;
  widths.forEach((w, i) => {
    units.push(box(x, 0, x + w, depths[i] ?? depths[0] ?? w));
    x += w;
  });
  return units;
}

/** A main house `w × d` with a smaller annex `aw × ad` against its right wall, `offset` from the front. */
export function annexGroup(w: number, d: number, aw: number, ad: number, offset: number): LocalBuilding[] {
  return [box(0, 0, w, d), box(w, offset, w + aw, offset + ad)];
}

/**
 * Three buildings round a courtyard: left and right wings `wing` wide and `d` / `d2` deep, joined by a back range
 * `back` deep that touches both wings.
 */
export function courtyardGroup(
  w: number,
  d: number,
  d2: number,
  wing: number,
  back: number,
): LocalBuilding[] {
  const top = Math.max(d, d2);
  return [box(0, 0, wing, d), box(w - wing, 0, w, d2), box(wing, top - back, w - wing, top)];
}

/** Local axis-aligned bounds `[x0, y0, x1, y1]` of a group. */
export function groupBounds(group: readonly LocalBuilding[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of group)
    for (const [x, y] of b.ring) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  return [x0, y0, x1, y1];
}
