/** @module datasets/manifest — the `dataset.json` manifest of a fAIr dataset: its types, classes and zod schema. */
import { z } from 'zod';
import type { BBox, Tile } from '../geo/index.ts';

/** Which mask a dataset carries: `binary` (0 background, 1 building) or RAMP-style `multi` (0..3). */
export type MaskKind = 'binary' | 'multi';

/** One mask class: its pixel value and name. */
export type MaskClass = { value: number; name: string };

/** One chip of a dataset: an image and a mask of `chipSize`² pixels over `bounds`. */
export type ChipEntry = {
  /** Unique id, also the file stem: `OAM-{x}-{y}-{z}` or, for a window of a larger tile, `OAM-{x}-{y}-{z}-{col}-{row}`. */
  id: string;
  /** The imagery tile the chip comes from. */
  tile: Tile;
  /** Present when the tile was split into `of` × `of` windows; `col`/`row` count from the north-west. */
  window?: { col: number; row: number; of: number };
  /** Chip bounds `[w, s, e, n]` in degrees (EPSG:4326). */
  bounds: BBox;
  /** Image path relative to the dataset folder (`chips/<id>.png`). */
  image: string;
  /** Mask path relative to the dataset folder (`masks/<id>.png`). */
  mask: string;
  /** Number of distinct buildings with at least one footprint pixel in the chip. */
  buildings: number;
};

/** The manifest `dataset.json` of a fAIr dataset folder. */
export type DatasetManifest = {
  format: 'fair-dataset';
  version: 1;
  /** ISO 8601 time the dataset was written. */
  created: string;
  /** Chip width and height in pixels. */
  chipSize: number;
  maskKind: MaskKind;
  classes: MaskClass[];
  zooms: number[];
  /** Label offset `[dx, dy]` in EPSG:3857 metres applied before rasterizing. */
  offset: [number, number];
  /** The imagery source the chips were read from (template URL, TileJSON URL or folder). */
  imagery: string;
  /** Boundary width in pixels (multi-class masks). */
  boundaryWidth: number;
  /** Contact spacing in pixels (multi-class masks). */
  contactSpacing: number;
  /** Union of the chip bounds `[w, s, e, n]`. */
  bounds: BBox;
  chips: ChipEntry[];
};

/** Mask classes of a binary mask. */
export const BINARY_CLASSES: readonly MaskClass[] = [
  { value: 0, name: 'background' },
  { value: 1, name: 'building' },
];

/** Mask classes of a RAMP-style multi-class mask (precedence contact > boundary > footprint). */
export const MULTI_CLASSES: readonly MaskClass[] = [
  { value: 0, name: 'background' },
  { value: 1, name: 'footprint' },
  { value: 2, name: 'boundary' },
  { value: 3, name: 'contact' },
];

/**
 * The classes a mask kind writes.
 * @param kind - `binary` or `multi`
 * @returns a fresh copy of the class list, ordered by value
 */
export function classesOf(kind: MaskKind): MaskClass[] {
  return (kind === 'binary' ? BINARY_CLASSES : MULTI_CLASSES).map((c) => ({ ...c }));
}

const finite = z.number().finite();
const bboxSchema = z.tuple([finite, finite, finite, finite]);
const relativePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'),
    'must be a path inside the dataset folder',
  );

const chipEntrySchema = z.object({
  id: z.string().min(1),
  tile: z.object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    z: z.number().int().min(0).max(30),
  }),
  window: z
    .object({ col: z.number().int().min(0), row: z.number().int().min(0), of: z.number().int().min(1) })
    .optional(),
  bounds: bboxSchema,
  image: relativePath,
  mask: relativePath,
  buildings: z.number().int().min(0),
});

/** zod schema of `dataset.json`; `readDataset` applies it. */
export const datasetManifestSchema = z.object({
  format: z.literal('fair-dataset'),
  version: z.literal(1),
  created: z.string(),
  chipSize: z.number().int().min(1).max(8192),
  maskKind: z.enum(['binary', 'multi']),
  classes: z.array(z.object({ value: z.number().int().min(0).max(255), name: z.string() })).min(2),
  zooms: z.array(z.number().int().min(0).max(30)).min(1),
  offset: z.tuple([finite, finite]),
  imagery: z.string(),
  boundaryWidth: z.number().min(0),
  contactSpacing: z.number().min(0),
  bounds: bboxSchema,
  chips: z.array(chipEntrySchema),
});

/**
 * The largest mask value a dataset may hold.
 * @param manifest - the manifest (its classes)
 * @returns the largest class value
 */
export function maxClassValue(manifest: Pick<DatasetManifest, 'classes'>): number {
  return manifest.classes.reduce((max, c) => Math.max(max, c.value), 0);
}
