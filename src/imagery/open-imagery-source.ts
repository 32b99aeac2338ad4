/**
 * @module imagery/open-imagery-source — decides what an imagery spec is (URL template, TileJSON URL, folder of chips,
 * GeoTIFF file, single chip) and opens the matching source.
 */
import { open, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseChipName } from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { openChipFileSource, openFolderSource } from './folder-source.ts';
import { GeoTiffSource } from './geotiff-source.ts';
import type { ImageryOptions, ImagerySource } from './imagery-source.ts';
import { describeBytes, sniffImageFormat } from './raster.ts';
import { RemoteTileSource, resolveFetchSettings } from './remote-source.ts';
import { loadTileJson } from './tilejson.ts';
import { looksLikeTileTemplate, parseTileTemplate, redactUrl } from './tile-url-template.ts';

/**
 * Opens an imagery source from a spec:
 * - an http(s) URL with `{z}` placeholders → XYZ source (`tms` when it uses `{-y}`/`{tms_y}`);
 * - another http(s) URL → fetched as TileJSON (`tiles`, `bounds`, `minzoom`, `maxzoom`, `scheme`);
 * - a directory → folder of chips `OAM-{x}-{y}-{z}.{png,jpg,jpeg,tif,tiff,webp}`, read by content;
 * - a file whose content is a TIFF → GeoTIFF (EPSG:4326/3857, by tags or `.aux.xml`); a file named like a chip → that
 *   one chip. `file://` URLs are local paths.
 * @param spec - the template, URL or path
 * @param options - network policy, cache, timeouts, retries; defaults in {@link ImageryOptions}
 * @returns the opened source
 * @throws AppError INVALID_PARAMETER_VALUE naming the spec when it is none of these, RESOURCE_DOES_NOT_EXIST when the
 *   path does not exist or the TileJSON answers 404, and the errors of the chosen source
 * @example
 * const source = await openImagerySource('https://tiles.openaerialmap.org/abc/0/abc/{z}/{x}/{y}', { cacheDir });
 * const image = await source.readTile({ x: 386690, y: 220241, z: 19 });
 */
export async function openImagerySource(spec: string, options: ImageryOptions = {}): Promise<ImagerySource> {
  const trimmed = spec.trim();
  if (trimmed === '')
    invalid('imagery source is empty: give a tile URL template, a TileJSON URL, a folder or a GeoTIFF');
  if (/^https?:\/\//i.test(trimmed)) return openRemote(trimmed, options);
  if (/^file:\/\//i.test(trimmed)) return openLocal(fileURLToPath(trimmed));
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed))
    invalid(
      `imagery source ${redactUrl(trimmed)} has an unsupported scheme: use http(s), file:// or a local path`,
    );
  return openLocal(trimmed);
}

async function openRemote(url: string, options: ImageryOptions): Promise<ImagerySource> {
  const settings = resolveFetchSettings(options);
  const subdomains = options.subdomains;
  if (looksLikeTileTemplate(url)) {
    const template = parseTileTemplate(url, subdomains ? { subdomains } : {});
    return new RemoteTileSource(
      { kind: template.scheme, label: redactUrl(template.template), templates: [template] },
      settings,
    );
  }
  return new RemoteTileSource(await loadTileJson(url, settings, subdomains), settings);
}

async function openLocal(path: string): Promise<ImagerySource> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `imagery source ${path} does not exist (expected a URL, a folder of chips or a GeoTIFF)`,
    );
  }
  if (info.isDirectory()) return openFolderSource(path);
  if (!info.isFile()) invalid(`imagery source ${path} is neither a file nor a folder`);
  const head = await readHead(path);
  const format = sniffImageFormat(head);
  if (parseChipName(path.split(/[\\/]/).pop() ?? '')) return openChipFileSource(path);
  if (format === 'tiff') return GeoTiffSource.open(path);
  if (format !== undefined)
    invalid(
      `imagery source ${path} is a ${format.toUpperCase()} image without a chip name; name it OAM-{x}-{y}-{z}.${format} or pass its folder`,
    );
  invalid(`imagery source ${path} is not a GeoTIFF or a folder of chips (${describeBytes(head)})`);
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(32);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
