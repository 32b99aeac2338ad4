/** @module labels/read-label-file — reads label and AOI files from disk with the size checked before reading. */
import { readFile, stat } from 'node:fs/promises';
import { AppError, invalid } from '../shared/index.ts';
import type { LabelParseOptions, LabelParseResult } from './label-types.ts';
import { resolveLabelLimits } from './label-types.ts';
import { parseLabelGeoJson } from './parse-label-geojson.ts';

/**
 * Reads a UTF-8 text file after checking that it exists, is a file and is not larger than `maxBytes`.
 * @param path - the file
 * @param maxBytes - the largest size accepted
 * @returns the text
 * @throws AppError RESOURCE_DOES_NOT_EXIST when the file is missing; INVALID_PARAMETER_VALUE when it is not a
 * regular file or cannot be read; LIMIT_EXCEEDED when it is too large
 */
export async function readTextFileWithin(path: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch((error: unknown) => fileError(path, error));
  if (!info.isFile()) invalid(`${path} is not a regular file`);
  if (info.size > maxBytes)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `${path} has ${info.size} bytes, over the limit of ${maxBytes} bytes`,
    );
  return readFile(path, 'utf8').catch((error: unknown) => fileError(path, error));
}

function fileError(path: string, error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') throw new AppError('RESOURCE_DOES_NOT_EXIST', `file ${path} does not exist`);
  return invalid(`cannot read ${path}: ${typeof code === 'string' ? code : String(error)}`);
}

/**
 * Reads and imports a GeoJSON label file (see {@link parseLabelGeoJson}); the file size is checked before reading.
 * @param path - a GeoJSON file in EPSG:4326 / CRS84
 * @param options - limits (defaults {@link defaultLabelLimits}) and `skipNonPolygonal` (default false)
 * @returns the labels, repairs, repair notes and skipped count
 * @throws AppError RESOURCE_DOES_NOT_EXIST, LIMIT_EXCEEDED or INVALID_PARAMETER_VALUE, naming the file
 * @example
 * const { labels } = await readLabelFile('../shared/data/banepa/train/osm/osm_features_ac7e343eb1faacd2.geojson');
 */
export async function readLabelFile(
  path: string,
  options: LabelParseOptions = {},
): Promise<LabelParseResult> {
  const text = await readTextFileWithin(path, resolveLabelLimits(options).maxBytes);
  try {
    return parseLabelGeoJson(text, options);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, `${path}: ${error.message}`, error.details);
    throw error;
  }
}
