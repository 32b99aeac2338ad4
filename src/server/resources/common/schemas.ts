/**
 * @module server/resources/common/schemas — zod pieces the resource routes share: ids, names, areas (bbox or
 * GeoJSON polygon), zoom levels and the response schemas of owned records.
 */
import { z } from 'zod';

/** A resource id in a path. */
export const idSchema = z.string().min(1).max(100);

/** `{id}` path parameters. */
export const idParams = z.object({ id: idSchema.describe('resource id') });

/** A bbox `[west, south, east, north]` in degrees (checked further where it is used). */
export const bboxSchema = z
  .tuple([
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
    z.number().min(-180).max(180),
    z.number().min(-90).max(90),
  ])
  .refine(
    ([w, s, e, n]) => w < e && s < n,
    'must be [west, south, east, north] with west < east, south < north',
  )
  .describe('bbox [west, south, east, north] in degrees (EPSG:4326)');

/** A GeoJSON Polygon or MultiPolygon (its rings are checked by `labels/parseAoi`). */
export const polygonalSchema = z
  .object({
    type: z.enum(['Polygon', 'MultiPolygon']),
    coordinates: z.array(z.unknown()).min(1),
  })
  .describe('GeoJSON Polygon or MultiPolygon in EPSG:4326');

/** An area: a bbox or a GeoJSON Polygon/MultiPolygon. */
export const areaSchema = z
  .union([bboxSchema, polygonalSchema])
  .describe('area: a bbox [w, s, e, n] or a GeoJSON Polygon/MultiPolygon (EPSG:4326)');

/** Zoom levels fAIr trains and predicts at. */
export const trainingZoomSchema = z.number().int().min(18).max(21).describe('tile zoom, 18–21');

/** `private` of a new resource. */
export const privateSchema = z
  .boolean()
  .default(false)
  .describe('only the owner and admins see it, default false');

/** Owner fields of every owned record in answers. */
export const ownedShape = {
  owner_id: z.string().nullable().describe('user id of the owner'),
  private: z.boolean(),
  created_at: z.string().describe('ISO 8601'),
};
