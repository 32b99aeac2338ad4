/**
 * @module predict/josm-urls — JOSM remote-control URLs the web UI opens to send predictions and imagery to a mapper's
 * JOSM (issue 4 §4): load OSM XML into a new layer, import a file by URL, add the imagery as a TMS layer, zoom to an
 * area. Pure functions; JOSM listens on http://127.0.0.1:8111 (loopback, not `localhost`: browsers allow calls to
 * 127.0.0.1 from https pages).
 */
import type { BBox } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/** JOSM's remote-control address. */
export const JOSM_REMOTE_CONTROL = 'http://127.0.0.1:8111';

/** Options shared by the data-loading commands. */
export type JosmLayerOptions = {
  /** Load into a new layer, default true (predictions stay apart from downloaded OSM data until reviewed). */
  newLayer?: boolean;
  /** Name of the new layer, default `fAIr predictions`. */
  layerName?: string;
  /** Remote-control base URL, default {@link JOSM_REMOTE_CONTROL}. */
  base?: string;
};

function query(params: [string, string | number | boolean | undefined][]): string {
  return params
    .filter((p): p is [string, string | number | boolean] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
}

function baseOf(options: { base?: string }): string {
  const base = (options.base ?? JOSM_REMOTE_CONTROL).replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) invalid(`JOSM remote-control base ${base} is not an http(s) URL`);
  return base;
}

function layerParams(options: JosmLayerOptions): [string, string | boolean][] {
  const newLayer = options.newLayer ?? true;
  return [
    ['new_layer', newLayer],
    ...(newLayer ? ([['layer_name', options.layerName ?? 'fAIr predictions']] as [string, string][]) : []),
  ];
}

/**
 * `load_data`: JOSM loads the OSM XML carried in the URL itself. Browsers and JOSM cap URL length, so keep it to
 * small selections (use {@link josmImportUrl} for whole runs).
 * @param osmXml - an OSM XML document (e.g. from `toOsmXml`)
 * @param options - newLayer (true), layerName (`fAIr predictions`), base
 * @returns the URL
 * @throws AppError INVALID_PARAMETER_VALUE for empty data or a bad base
 * @example
 * josmLoadDataUrl(toOsmXml(accepted)); // http://127.0.0.1:8111/load_data?new_layer=true&layer_name=…&data=%3C%3Fxml…
 */
export function josmLoadDataUrl(osmXml: string, options: JosmLayerOptions = {}): string {
  if (osmXml.trim() === '') invalid('OSM XML for JOSM load_data is empty');
  return `${baseOf(options)}/load_data?${query([...layerParams(options), ['data', osmXml]])}`;
}

/**
 * `import`: JOSM downloads an OSM XML or GeoJSON file from a URL (the server's predictions endpoint). `url` goes last:
 * JOSM reads everything after `url=` as the URL.
 * @param url - an http(s) URL of the file
 * @param options - newLayer (true), layerName (`fAIr predictions`), base
 * @returns the URL
 * @throws AppError INVALID_PARAMETER_VALUE for a URL that is not http(s)
 */
export function josmImportUrl(url: string, options: JosmLayerOptions = {}): string {
  if (!/^https?:\/\//i.test(url)) invalid(`data URL ${url} for JOSM import is not http(s)`);
  return `${baseOf(options)}/import?${query([...layerParams(options), ['url', url]])}`;
}

/** Options of {@link josmImageryUrl}. */
export type JosmImageryOptions = {
  /** Layer title shown in JOSM. */
  title: string;
  /** XYZ tile URL template with `{z}`/`{zoom}`, `{x}`, `{y}` (or `{-y}` for TMS row order). */
  url: string;
  /** Smallest zoom, default none. */
  minZoom?: number;
  /** Largest zoom, default none. */
  maxZoom?: number;
  /** Remote-control base URL, default {@link JOSM_REMOTE_CONTROL}. */
  base?: string;
};

/**
 * `imagery`: JOSM adds a TMS layer. `{z}` becomes JOSM's `{zoom}`; `url` goes last as JOSM expects.
 * @param options - title, tile URL template, min/max zoom, base
 * @returns the URL
 * @throws AppError INVALID_PARAMETER_VALUE for an empty title, a template without `{x}`/`{y}`/zoom, or bad zooms
 * @example
 * josmImageryUrl({ title: 'OAM Banepa', url: 'https://tiles.openaerialmap.org/…/{z}/{x}/{y}' });
 */
export function josmImageryUrl(options: JosmImageryOptions): string {
  const { title, minZoom, maxZoom } = options;
  if (title.trim() === '') invalid('imagery title for JOSM is empty');
  const template = options.url.replace(/\{z\}/g, '{zoom}');
  if (
    !/^https?:\/\//i.test(template) ||
    !/\{zoom\}/.test(template) ||
    !/\{x\}/.test(template) ||
    !/\{-?y\}/.test(template)
  )
    invalid(`imagery URL ${options.url} is not an http(s) tile template with {z}, {x} and {y}`);
  for (const [name, z] of [
    ['min zoom', minZoom],
    ['max zoom', maxZoom],
  ] as const)
    if (z !== undefined && !(Number.isInteger(z) && z >= 0 && z <= 30))
      invalid(`${name} ${z} must be an integer 0..30`);
  if (minZoom !== undefined && maxZoom !== undefined && minZoom > maxZoom)
    invalid(`min zoom ${minZoom} is above max zoom ${maxZoom}`);
  const params = query([
    ['title', title],
    ['type', 'tms'],
    ['min_zoom', minZoom],
    ['max_zoom', maxZoom],
    ['url', template],
  ]);
  return `${baseOf(options)}/imagery?${params}`;
}

/**
 * `zoom`: JOSM moves its view to a box (no download).
 * @param bbox - `[west, south, east, north]` in degrees
 * @param options - base
 * @returns the URL
 * @throws AppError INVALID_PARAMETER_VALUE for an inverted or out-of-range box
 */
export function josmZoomUrl(bbox: BBox, options: { base?: string } = {}): string {
  const [w, s, e, n] = bbox;
  if (!(bbox.every(Number.isFinite) && w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90))
    invalid(
      `bbox ${JSON.stringify(bbox)} is not [west, south, east, north] with west < east and south < north`,
    );
  return `${baseOf(options)}/zoom?${query([
    ['left', w],
    ['right', e],
    ['top', n],
    ['bottom', s],
  ])}`;
}
