/**
 * @module workflows/builtin/task-schemas — zod schemas shared by the shipped tasks (imagery, area, blob references,
 * metrics), each described once so validation and `fair workflow describe` agree.
 */
import { z } from 'zod';

/** `[west, south, east, north]` in degrees (EPSG:4326). */
export const bboxSchema = z
  .tuple([z.number(), z.number(), z.number(), z.number()])
  .describe('bbox [west, south, east, north] in degrees');

/** A GeoJSON Polygon or MultiPolygon in EPSG:4326 (rings are checked and repaired when read). */
export const polygonalSchema = z
  .object({
    type: z.enum(['Polygon', 'MultiPolygon']).describe('GeoJSON geometry type'),
    coordinates: z.array(z.unknown()).describe('GeoJSON coordinates in EPSG:4326'),
  })
  .describe('GeoJSON Polygon or MultiPolygon in EPSG:4326');

/** An area: a GeoJSON Polygon/MultiPolygon or a bbox. */
export const areaSchema = z
  .union([bboxSchema, polygonalSchema])
  .describe('area of interest: a GeoJSON Polygon/MultiPolygon (EPSG:4326) or a bbox [w, s, e, n]');

/** Where imagery comes from. */
export const imagerySchema = z
  .string()
  .min(1)
  .describe('imagery: an XYZ/TMS tile URL template, a TileJSON URL, or a folder of OAM-{x}-{y}-{z} chips');

/** A tile zoom level. */
export const zoomSchema = z.number().int().min(0).max(30).describe('tile zoom level');

/** A URI of an object in the blob store (`file://…`, `s3://…`). */
export const blobUriSchema = z.string().min(1).describe('URI of an object in the blob store');

/** A URI of a folder in the blob store (ends in `/`). */
export const prefixUriSchema = z.string().min(1).describe('URI of a folder in the blob store (ends in /)');

/** Named scores. */
export const metricsSchema = z
  .record(z.string(), z.number())
  .describe('metrics: pixel_iou, pixel_precision, pixel_recall, object_f1, object_precision, object_recall');

/** Free-form JSON record (training settings, provenance). */
export const recordSchema = z.record(z.string(), z.json());

/** Architectures the trainer knows. */
export const modelNameSchema = z.enum(['unet-s', 'unet-m']).describe('architecture: unet-s or unet-m');

/** Share of chips held out for validation. */
export const valRatioSchema = z
  .number()
  .gt(0)
  .lt(1)
  .describe('share of chips held out for validation by spatial blocks (same split in train and evaluate)');

/** Seed of the split, initialisation, order and augmentation. */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1)
  .describe('seed of initialisation, split, order and augmentation');

/** The settings of the building pipeline after inference, as every prediction request takes them. */
export const buildingSettingsShape = {
  confidence: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('building probability threshold (default the model card’s, usually 0.5)'),
  tolerance: z.number().min(0).max(100).default(0.3).describe('simplification tolerance, metres'),
  orthogonalize: z.boolean().default(false).describe('square near-rectangular outlines'),
};

/** Smallest building kept, m² (`area` in the workflows, `min_area` in the API). */
export const minAreaSchema = z
  .number()
  .min(0)
  .max(1e6)
  .default(3)
  .describe('drop buildings smaller than this, m²');
