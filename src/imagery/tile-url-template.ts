/**
 * @module imagery/tile-url-template — XYZ/TMS tile URL templates: `{z}`, `{x}`, `{y}`, `{-y}`/`{tms_y}`, `{q}`,
 * `{s}` and JOSM's `{zoom}`/`{switch:a,b,c}`; parsing, expansion and redaction of secrets for display.
 */
import { tileToQuadkey, xyzToTmsY } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/** A checked tile URL template. */
export type TileUrlTemplate = {
  /** The template with placeholders, braces decoded. */
  template: string;
  /** `tms` when rows count from the south (`{-y}`, `{tms_y}`, or a TileJSON with `scheme: "tms"`). */
  scheme: 'xyz' | 'tms';
  /** Values cycled through for `{s}` / `{switch:…}`. */
  subdomains: string[];
};

/** Subdomains used for `{s}` when none are given (OSM/Leaflet convention). */
export const DEFAULT_SUBDOMAINS = ['a', 'b', 'c'];

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN = new Set(['z', 'zoom', 'x', 'y', '-y', 'tms_y', 'q', 'quadkey', 's']);

/** True when `spec` contains a tile placeholder such as `{z}` or `{q}` (raw or URL-encoded as `%7Bz%7D`). */
export function looksLikeTileTemplate(spec: string): boolean {
  return /\{(z|zoom|x|y|-y|tms_y|q|quadkey)\}/.test(decodeBraces(spec));
}

/** Turns `%7B`/`%7D` back into braces: URL parsers encode them, tile templates need them. */
export function decodeBraces(text: string): string {
  return text.replace(/%7B/gi, '{').replace(/%7D/gi, '}');
}

/**
 * Checks a tile URL template.
 * @param template - e.g. `https://{s}.tile.example.org/{z}/{x}/{y}.png`
 * @param options - `scheme` forces TMS rows for `{y}` (TileJSON `scheme: "tms"`), default `xyz`; `subdomains` for
 *   `{s}`, default `a,b,c`
 * @throws AppError INVALID_PARAMETER_VALUE naming the template when a zoom or x/y (or quadkey) placeholder is missing,
 *   a placeholder is unknown, or the URL is not http(s)
 */
export function parseTileTemplate(
  template: string,
  options: { scheme?: 'xyz' | 'tms'; subdomains?: string[] } = {},
): TileUrlTemplate {
  const decoded = decodeBraces(template.trim());
  if (!/^https?:\/\//i.test(decoded)) invalid(`tile URL template ${template} is not an http(s) URL`);
  const names = [...decoded.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  const unknown = names.find((n) => !KNOWN.has(n) && !n.startsWith('switch:'));
  if (unknown !== undefined) invalid(`tile URL template ${template} has an unknown placeholder {${unknown}}`);
  const has = (...wanted: string[]): boolean => names.some((n) => wanted.includes(n));
  const byQuadkey = has('q', 'quadkey');
  if (!byQuadkey && !(has('z', 'zoom') && has('x') && has('y', '-y', 'tms_y')))
    invalid(`tile URL template ${template} needs {z}, {x} and {y} (or {-y}, {tms_y}), or {q}`);
  const switchValues = names.find((n) => n.startsWith('switch:'))?.slice('switch:'.length);
  const subdomains =
    switchValues !== undefined ? switchValues.split(',') : (options.subdomains ?? DEFAULT_SUBDOMAINS);
  if (subdomains.length === 0 || subdomains.some((s) => s === ''))
    invalid(`tile URL template ${template} has an empty subdomain list`);
  const scheme = has('-y', 'tms_y') ? 'tms' : (options.scheme ?? 'xyz');
  return { template: decoded, scheme, subdomains };
}

/**
 * The URL of one tile. `{s}` picks a subdomain from (x + y) so the same tile always maps to the same URL (and cache
 * entry).
 * @param parsed - a template from {@link parseTileTemplate}
 * @param tile - the XYZ tile (y from the north)
 * @returns the URL with every placeholder filled
 */
export function expandTileUrl(parsed: TileUrlTemplate, tile: Tile): string {
  const tmsY = xyzToTmsY(tile.y, tile.z);
  const rowY = parsed.scheme === 'tms' ? tmsY : tile.y;
  const subdomain = parsed.subdomains[(tile.x + tile.y) % parsed.subdomains.length] ?? '';
  return parsed.template.replace(PLACEHOLDER, (_whole, name: string) => {
    if (name === 'z' || name === 'zoom') return String(tile.z);
    if (name === 'x') return String(tile.x);
    if (name === 'y') return String(rowY);
    if (name === '-y' || name === 'tms_y') return String(tmsY);
    if (name === 'q' || name === 'quadkey') return tileToQuadkey(tile);
    return subdomain;
  });
}

const SECRET_PARAM = /token|key|secret|signature|password|auth|sig|credential/i;

/**
 * A URL safe to show in logs and errors: user info and the values of query parameters that look like credentials
 * (`access_token`, `api_key`, `X-Amz-Signature`, …) are replaced with `***`. Text that is not a URL is returned as is.
 * @param url - a URL or tile template
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()])
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
  return decodeBraces(parsed.href);
}
