/**
 * @module workflows/builtin/task-io — small plumbing the shipped tasks share: keys under the attempt's prefix, single
 * files to and from the blob store, progress as log lines, and reading an area of interest.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BBox, Polygonal } from '../../geo/index.ts';
import { createProgressBar } from '../../shared/index.ts';
import type { Progress } from '../../shared/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { TaskContext } from '../task-definition.ts';

/**
 * The key of a path under the attempt's output prefix.
 * @param context - the task context (its `outputPrefix`)
 * @param parts - path segments below it
 * @returns `<outputPrefix>/<parts…>`
 */
export function attemptKey(context: Pick<TaskContext, 'outputPrefix'>, ...parts: string[]): string {
  return [context.outputPrefix.replace(/\/+$/, ''), ...parts].join('/');
}

/**
 * Writes a local file to the store.
 * @param blobs - the store
 * @param path - the local file
 * @param key - destination key
 * @param contentType - MIME type, default none
 * @returns the object's URI
 */
export async function uploadFile(
  blobs: BlobStore,
  path: string,
  key: string,
  contentType?: string,
): Promise<string> {
  const info = await blobs.put(
    key,
    createReadStream(path),
    contentType === undefined ? undefined : { contentType },
  );
  return info.uri;
}

/**
 * Copies one object of the store to a local file (folders created).
 * @param blobs - the store
 * @param uri - the object's URI
 * @param path - the local destination
 * @throws AppError INVALID_PARAMETER_VALUE for a URI outside the store; RESOURCE_DOES_NOT_EXIST when missing
 */
export async function downloadBlob(blobs: BlobStore, uri: string, path: string): Promise<void> {
  const body = await blobs.get(blobs.keyOf(uri));
  await mkdir(dirname(path), { recursive: true });
  await pipeline(body, createWriteStream(path));
}

/**
 * A progress sink writing a plain line to the task log at most every `everyMs`.
 * @param log - the task's log
 * @param everyMs - least time between lines, default 5000 ms
 */
export function logProgress(log: (line: string) => void, everyMs = 5000): Progress {
  return createProgressBar(
    { write: (chunk: string) => void log(chunk.trimEnd()), isTTY: false },
    { lineEveryMs: everyMs },
  );
}

/** A bbox, or a GeoJSON Polygon/MultiPolygon as given in task inputs. */
export type AreaInput =
  [number, number, number, number] | { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };

/**
 * Checks an area of task inputs against the area limit.
 * @param area - a bbox or a GeoJSON Polygon/MultiPolygon
 * @param maxAreaKm2 - the largest area accepted (config `maxAoiKm2`)
 * @returns the area as a checked Polygon/MultiPolygon
 * @throws AppError INVALID_PARAMETER_VALUE for a malformed area; LIMIT_EXCEEDED over the limit
 */
export async function readArea(area: AreaInput, maxAreaKm2: number): Promise<Polygonal> {
  const { assertAoiArea, bboxToPolygon, parseAoi } = await import('../../labels/index.ts');
  if (Array.isArray(area)) {
    const polygon = bboxToPolygon(area as BBox);
    assertAoiArea(polygon, maxAreaKm2);
    return polygon;
  }
  return parseAoi(JSON.stringify(area), { maxAreaKm2 });
}
