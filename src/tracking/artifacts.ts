/**
 * @module tracking/artifacts — run artifacts in the blob store: where an artifact URI lives, directory-style
 * listings (MLflow's FileInfo), and the files of the `mlflow-artifacts` proxy, streamed through `BlobStore`.
 */
import type { Readable } from 'node:stream';
import { AppError, invalid } from '../shared/index.ts';
import type { BlobBody, BlobStore } from '../storage/index.ts';
import type { FileInfo } from './entities.ts';

/** Key prefix of every tracking artifact in the blob store. */
export const ARTIFACT_PREFIX = 'tracking';

/**
 * Maps artifact URIs under one root URI to blob keys under `tracking/`: `<root>/1/<run>/artifacts/a.txt` ↔
 * `tracking/1/<run>/artifacts/a.txt`. The root defaults to the blob store's URI of `tracking`; a server that proxies
 * artifacts can record `mlflow-artifacts:` URIs instead and serve the same keys.
 */
export class ArtifactRepository {
  readonly blobs: BlobStore;
  readonly root: string;

  /**
   * @param blobs - the blob store
   * @param root - the URI recorded as the root of artifact locations, default `blobs.uriOf('tracking')`
   */
  constructor(blobs: BlobStore, root?: string) {
    this.blobs = blobs;
    this.root = (root ?? blobs.uriOf(ARTIFACT_PREFIX)).replace(/\/+$/, '');
  }

  /**
   * The blob key of an artifact URI.
   * @param uri - an artifact location or artifact URI under the root
   * @returns the key (`tracking/…`)
   * @throws AppError INVALID_PARAMETER_VALUE when the URI is outside the root
   */
  keyOf(uri: string): string {
    const trimmed = uri.replace(/\/+$/, '');
    if (trimmed === this.root) return ARTIFACT_PREFIX;
    if (!trimmed.startsWith(`${this.root}/`)) {
      invalid(`artifact location ${uri} is outside the tracking artifact root ${this.root}`);
    }
    return `${ARTIFACT_PREFIX}/${checkedPath(trimmed.slice(this.root.length + 1))}`;
  }

  /**
   * The direct children of a folder of artifacts: files with their size, folders once each.
   * @param baseKey - the folder's key (e.g. a run's artifact key)
   * @param path - a relative path under it (`''` for the folder itself)
   * @param naming - `relative` names entries by their path under `baseKey` (runs' artifacts/list); `basename` by
   *   their last segment (the proxy's listing)
   * @returns the entries in key order; empty when nothing is there
   * @throws AppError INVALID_PARAMETER_VALUE for a path with `..`, empty segments or a leading `/`
   */
  async list(baseKey: string, path: string, naming: 'relative' | 'basename'): Promise<FileInfo[]> {
    const rel = path === '' ? '' : checkedPath(path);
    const prefix = rel === '' ? `${baseKey}/` : `${baseKey}/${rel}/`;
    const entries: FileInfo[] = [];
    let lastDir: string | undefined;
    for await (const info of this.blobs.list(prefix)) {
      const rest = info.key.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      const entryPath = naming === 'basename' || rel === '' ? name : `${rel}/${name}`;
      if (slash < 0) entries.push({ path: entryPath, is_dir: false, file_size: info.size });
      else if (name !== lastDir) entries.push({ path: entryPath, is_dir: true });
      if (slash >= 0) lastDir = name;
    }
    return entries;
  }

  /**
   * Stores a file of the proxy (`<experiment>/<run>/artifacts/<path>`), streaming the body.
   * @param artifactPath - the path under the root
   * @param body - the content
   * @throws AppError INVALID_PARAMETER_VALUE for an unsafe or empty path
   */
  async upload(artifactPath: string, body: BlobBody): Promise<void> {
    await this.blobs.put(`${ARTIFACT_PREFIX}/${checkedPath(artifactPath)}`, body);
  }

  /**
   * Streams a file of the proxy.
   * @param artifactPath - the path under the root
   * @returns the content stream and its size in bytes
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming the path when there is no such file
   */
  async download(artifactPath: string): Promise<{ body: Readable; size: number }> {
    const key = `${ARTIFACT_PREFIX}/${checkedPath(artifactPath)}`;
    const info = await this.blobs.head(key);
    if (info === undefined)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `Artifact '${artifactPath}' does not exist`);
    return { body: await this.blobs.get(key), size: info.size };
  }

  /**
   * Deletes a file of the proxy, or every file under a folder path.
   * @param artifactPath - the path under the root
   * @throws AppError INVALID_PARAMETER_VALUE for an unsafe or empty path
   */
  async delete(artifactPath: string): Promise<void> {
    const key = `${ARTIFACT_PREFIX}/${checkedPath(artifactPath)}`;
    const keys: string[] = (await this.blobs.head(key)) === undefined ? [] : [key];
    for await (const info of this.blobs.list(`${key}/`)) keys.push(info.key);
    // One at a time: the file store prunes emptied folders as it goes.
    for (const k of keys) await this.blobs.delete(k);
  }
}

/** A relative artifact path without a trailing `/`, refused when it could escape its folder. */
function checkedPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const segments = trimmed.split('/');
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  const bad = trimmed === '' || trimmed.includes('\\') || /[\u0000-\u001f]/.test(trimmed);
  if (bad || segments.some((s) => s === '' || s === '.' || s === '..'))
    invalid(`Invalid artifact path: '${path}'`);
  return trimmed;
}
