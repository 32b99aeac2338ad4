/** @module labels/write-label-file — writes labels as GeoJSON, one feature per line, replacing the file atomically. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { invalid } from '../shared/index.ts';
import type { LabelCollection } from './label-types.ts';

/**
 * Formats labels as RFC 7946 GeoJSON text with one feature per line (readable diffs, streamable by line).
 * @param labels - the labels
 * @returns the text, ending with a newline
 */
export function formatLabelGeoJson(labels: LabelCollection): string {
  if (labels.features.length === 0) return '{"type":"FeatureCollection","features":[]}\n';
  const lines = labels.features.map((feature) => JSON.stringify(feature));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}

/**
 * Writes labels to a GeoJSON file: parent folders are created, the text goes to a temporary file that then replaces
 * `path`, so readers never see half a file.
 * @param path - the destination
 * @param labels - the labels
 * @throws AppError INVALID_PARAMETER_VALUE naming the path when it cannot be written
 */
export async function writeLabelFile(path: string, labels: LabelCollection): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, formatLabelGeoJson(labels), 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    invalid(`cannot write ${path}: ${typeof code === 'string' ? code : String(error)}`);
  }
}
