/**
 * @module server/resources/predictions/model-cache — model versions' folders on local disk for predictions on the
 * fly: downloaded once from the blob store per version (keyed by the folder's URI, which no other version shares)
 * into `<dir>/<sha256 of the URI>`, written to a temporary folder and renamed, so a folder that exists is whole.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../../../shared/index.ts';
import { downloadPrefix } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';

/** Local copies of model folders. */
export class ModelCache {
  readonly #blobs: BlobStore;
  readonly #dir: string;
  readonly #pending = new Map<string, Promise<string>>();

  /**
   * @param blobs - where the model folders are
   * @param dir - the cache folder (e.g. `<dataDir>/model-cache`)
   */
  constructor(blobs: BlobStore, dir: string) {
    this.#blobs = blobs;
    this.#dir = dir;
  }

  /**
   * The local folder of a model folder URI, downloaded on first use.
   * @param modelDirUri - blob URI of the folder (`…/model/`)
   * @returns the local path
   * @throws AppError from the download (the URI outside the store, a corrupt object)
   */
  async folderOf(modelDirUri: string): Promise<string> {
    const key = createHash('sha256').update(modelDirUri).digest('hex').slice(0, 32);
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#fetch(modelDirUri, join(this.#dir, key));
      this.#pending.set(key, pending);
      pending.catch(() => this.#pending.delete(key));
    }
    return pending;
  }

  async #fetch(uri: string, target: string): Promise<string> {
    if (await pathExists(join(target, 'model.onnx'))) return target;
    await mkdir(this.#dir, { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await downloadPrefix(this.#blobs, uri, temp);
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return target;
  }
}
