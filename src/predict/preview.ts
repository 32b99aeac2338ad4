/**
 * @module predict/preview — a PNG of the imagery with the predicted outlines drawn on it, coloured by confidence (red
 * at 0.5, yellow at 0.75, green at 1), at most a few thousand pixels per side however large the area (issue 4 §4,
 * `--preview`). Tiles are shrunk into the canvas as the pipeline reads them; outlines are an SVG overlay composited
 * with sharp.
 */
import type { Feature, MultiPolygon, Point, Polygon, Position } from 'geojson';
import sharp from 'sharp';
import { lonLatToTileFraction } from '../geo/index.ts';
import type { RasterRGB } from '../imagery/index.ts';
import { invalid } from '../shared/index.ts';

/** Where a preview image sits: its north-west corner in global pixels at zoom `z`, and preview pixels per grid pixel. */
export type PreviewFrame = { z: number; originX: number; originY: number; tileSize: number; scale: number };

type DrawnFeature = Feature<Polygon | MultiPolygon | Point, Record<string, unknown> | null>;

/** The grid facts a canvas needs. */
export type PreviewGrid = {
  zoom: number;
  tileSize: number;
  tileX0: number;
  tileY0: number;
  tilesWide: number;
  tilesHigh: number;
};

/** An imagery canvas that tiles are shrunk into, and the outlines to draw on it. */
export class PreviewCanvas {
  readonly frame: PreviewFrame;
  readonly image: RasterRGB;
  readonly #grid: PreviewGrid;
  readonly #paths: string[] = [];

  /**
   * @param grid - the prediction grid
   * @param maxSize - largest side of the preview, pixels (the grid is shrunk to fit, never enlarged)
   */
  constructor(grid: PreviewGrid, maxSize: number) {
    const widthPx = grid.tilesWide * grid.tileSize;
    const heightPx = grid.tilesHigh * grid.tileSize;
    const scale = Math.min(1, maxSize / Math.max(widthPx, heightPx));
    const width = Math.max(1, Math.round(widthPx * scale));
    const height = Math.max(1, Math.round(heightPx * scale));
    this.#grid = grid;
    this.image = { width, height, data: new Uint8Array(width * height * 3) };
    this.frame = {
      z: grid.zoom,
      originX: grid.tileX0 * grid.tileSize,
      originY: grid.tileY0 * grid.tileSize,
      tileSize: grid.tileSize,
      scale,
    };
  }

  /**
   * Shrinks a tile into the canvas (box average).
   * @param col - tile column in the grid
   * @param row - tile row in the grid
   * @param tile - the tile, `tileSize` square
   */
  addTile(col: number, row: number, tile: RasterRGB): void {
    const { scale } = this.frame;
    const T = this.#grid.tileSize;
    const { width, height, data } = this.image;
    const cx0 = Math.round(col * T * scale);
    const cy0 = Math.round(row * T * scale);
    const cx1 = Math.min(width, Math.round((col + 1) * T * scale));
    const cy1 = Math.min(height, Math.round((row + 1) * T * scale));
    for (let cy = cy0; cy < cy1; cy++) {
      const sy0 = Math.min(T - 1, Math.floor((cy - cy0) / scale));
      const sy1 = Math.max(sy0 + 1, Math.min(T, Math.floor((cy + 1 - cy0) / scale)));
      for (let cx = cx0; cx < cx1; cx++) {
        const sx0 = Math.min(T - 1, Math.floor((cx - cx0) / scale));
        const sx1 = Math.max(sx0 + 1, Math.min(T, Math.floor((cx + 1 - cx0) / scale)));
        let [r, g, b] = [0, 0, 0];
        for (let sy = sy0; sy < sy1; sy++)
          for (let sx = sx0; sx < sx1; sx++) {
            const i = (sy * T + sx) * 3;
            r += tile.data[i] as number;
            g += tile.data[i + 1] as number;
            b += tile.data[i + 2] as number;
          }
        const n = (sy1 - sy0) * (sx1 - sx0);
        const o = (cy * width + cx) * 3;
        data[o] = Math.round(r / n);
        data[o + 1] = Math.round(g / n);
        data[o + 2] = Math.round(b / n);
      }
    }
  }

  /**
   * Remembers a feature's outline for the overlay (a few dozen bytes of SVG per building).
   * @param feature - a building
   */
  addFeature(feature: DrawnFeature): void {
    const path = featurePath(feature, this.frame);
    if (path !== undefined) this.#paths.push(path);
  }

  /** The preview as PNG bytes. */
  render(): Promise<Buffer> {
    return composite(this.image, this.#paths);
  }
}

/**
 * Draws buildings over an image.
 * @param image - the imagery of the frame
 * @param features - buildings in lon/lat, `properties.confidence` in 0..1 (default 1)
 * @param frame - where the image sits in the tile grid
 * @returns PNG bytes
 * @throws AppError INVALID_PARAMETER_VALUE when the image's data does not match its size
 * @example
 * const png = await renderPreview(image, result.features, { z: 19, originX, originY, tileSize: 256, scale: 1 });
 */
export function renderPreview(
  image: RasterRGB,
  features: Iterable<DrawnFeature>,
  frame: PreviewFrame,
): Promise<Buffer> {
  if (image.data.length !== image.width * image.height * 3)
    invalid(
      `preview image has ${image.data.length} bytes; ${image.width}x${image.height} RGB needs ${image.width * image.height * 3}`,
    );
  const paths: string[] = [];
  for (const feature of features) {
    const path = featurePath(feature, frame);
    if (path !== undefined) paths.push(path);
  }
  return composite(image, paths);
}

async function composite(image: RasterRGB, paths: readonly string[]): Promise<Buffer> {
  const { width, height } = image;
  const base = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width, height, channels: 3 },
  });
  if (paths.length === 0) return base.png().toBuffer();
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${paths.join('')}</svg>`;
  return base
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** Stroke colour of a confidence: red (≤ 0.5) through yellow to green (1). */
export function confidenceColour(confidence: number): string {
  const t = Math.min(1, Math.max(0, (confidence - 0.5) / 0.5));
  return `hsl(${Math.round(t * 120)},100%,50%)`;
}

function featurePath(feature: DrawnFeature, frame: PreviewFrame): string | undefined {
  const { geometry } = feature;
  const confidence = Number(feature.properties?.['confidence'] ?? 1);
  const colour = confidenceColour(Number.isFinite(confidence) ? confidence : 1);
  const toPx = (p: Position): string => {
    const f = lonLatToTileFraction(p[0] as number, p[1] as number, frame.z);
    const x = (f.x * frame.tileSize - frame.originX) * frame.scale;
    const y = (f.y * frame.tileSize - frame.originY) * frame.scale;
    return `${x.toFixed(1)} ${y.toFixed(1)}`;
  };
  if (geometry.type === 'Point')
    return `<circle cx="${toPx(geometry.coordinates).replace(' ', '" cy="')}" r="3" fill="${colour}"/>`;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const d = polygons.flatMap((rings) => rings.map((ring) => `M${ring.map(toPx).join('L')}Z`)).join('');
  if (d === '') return undefined;
  return `<path d="${d}" fill="${colour}" fill-opacity="0.2" fill-rule="evenodd" stroke="${colour}" stroke-width="1.5"/>`;
}
