/**
 * @module ml/trainer/chip-store — a dataset's chips held in memory as they are stored (uint8 RGB and uint8 class
 * masks, one contiguous buffer each), converted to float tensors only per batch (issue 3 §4).
 */
import { loadDatasetChip } from '../../datasets/index.ts';
import type { ChipEntry, DatasetManifest } from '../../datasets/index.ts';

/** Chips of one split, compact: 3·size² bytes of RGB and size² bytes of mask per chip. */
export type ChipStore = {
  /** Chip width and height in pixels. */
  readonly size: number;
  readonly count: number;
  /** Chip ids, in store order. */
  readonly ids: readonly string[];
  /** Interleaved RGB, chip after chip. */
  readonly images: Uint8Array;
  /** Class values, chip after chip. */
  readonly masks: Uint8Array;
};

/**
 * The RGB bytes of one chip (a view, not a copy).
 * @param store - the store
 * @param index - chip index in the store
 */
export function chipImage(store: ChipStore, index: number): Uint8Array {
  const n = store.size * store.size * 3;
  return store.images.subarray(index * n, (index + 1) * n);
}

/**
 * The mask of one chip (a view, not a copy).
 * @param store - the store
 * @param index - chip index in the store
 */
export function chipMask(store: ChipStore, index: number): Uint8Array {
  const n = store.size * store.size;
  return store.masks.subarray(index * n, (index + 1) * n);
}

/**
 * Every mask of a store, as views (for class frequencies).
 * @param store - the store
 */
export function* storeMasks(store: ChipStore): Generator<Uint8Array> {
  for (let i = 0; i < store.count; i++) yield chipMask(store, i);
}

/**
 * Loads chips into memory, a few files at a time. Each chip is checked against the manifest: both images
 * `chipSize` square, the mask single-band with values among the dataset's classes.
 * @param dir - the dataset folder
 * @param manifest - its manifest
 * @param entries - the chips to load (e.g. one side of the split)
 * @param options - `signal` cancels loading; `concurrency` files at once, default 4
 * @returns the store, in the order of `entries`
 * @throws AppError RESOURCE_DOES_NOT_EXIST for a missing file; INVALID_PARAMETER_VALUE naming the chip and file for
 *   a size mismatch, an unreadable image or a mask value outside the classes; the abort reason when cancelled
 */
export async function loadChipStore(
  dir: string,
  manifest: DatasetManifest,
  entries: readonly ChipEntry[],
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<ChipStore> {
  const size = manifest.chipSize;
  const plane = size * size;
  const images = new Uint8Array(entries.length * plane * 3);
  const masks = new Uint8Array(entries.length * plane);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      options.signal?.throwIfAborted();
      const index = next++;
      const chip = await loadDatasetChip(dir, manifest, entries[index] as ChipEntry);
      images.set(chip.image.data, index * plane * 3);
      masks.set(chip.mask, index * plane);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, entries.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return { size, count: entries.length, ids: entries.map((e) => e.id), images, masks };
}
