/** @module synthetic/tree-layer — paints tree crowns: clumpy foliage, lit on the sun side, darker at the far rim. */
import { fillDisc } from './coverage.ts';
import type { WindowFields } from './ground-layer.ts';
import { sceneToPixel, type PixelWindow } from './pixel-window.ts';
import type { Rgb } from './roof-style.ts';
import { groundToScene } from './scene.ts';
import { SHADOW_DIRECTION, type SceneTree } from './scene-objects.ts';

function foliage(tree: SceneTree): Rgb {
  const t = tree.tone;
  if (t > 0.82) return [98, 112, 86]; // eucalyptus grey-green
  return [50 + 36 * t, 74 + 30 * t, 38 + 14 * t];
}

/**
 * Paints tree crowns, in order, over what is already there (roofs included: trees may hide roof edges).
 * @param out - interleaved RGB floats, painted over
 */
export function paintTrees(
  win: PixelWindow,
  trees: readonly SceneTree[],
  fields: WindowFields,
  out: Float32Array,
): void {
  const { cos, sin } = win.frame;
  const sun = groundToScene(win.frame, -SHADOW_DIRECTION[0], -SHADOW_DIRECTION[1]);
  for (const tree of trees) {
    const [r0, g0, b0] = foliage(tree);
    for (const disc of tree.discs) {
      const [x, y] = sceneToPixel(win, disc.s, disc.t);
      fillDisc(win, x, y, disc.r / win.metresPerPixel, (i, coverage, col, row) => {
        const u = win.us[col - win.x0] as number;
        const v = win.vs[row - win.y0] as number;
        const os = (cos * u + sin * v - disc.s) / disc.r;
        const ot = (-sin * u + cos * v - disc.t) / disc.r;
        const light =
          (1 + 0.3 * (os * sun[0] + ot * sun[1]) - 0.12 * (os * os + ot * ot)) *
          (1 + 0.55 * (fields.grain[i] as number) + 0.25 * (fields.patch[i] as number));
        out[3 * i] = (out[3 * i] as number) * (1 - coverage) + r0 * light * coverage;
        out[3 * i + 1] = (out[3 * i + 1] as number) * (1 - coverage) + g0 * light * coverage;
        out[3 * i + 2] = (out[3 * i + 2] as number) * (1 - coverage) + b0 * light * coverage;
      });
    }
  }
}
