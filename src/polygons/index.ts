/**
 * @module polygons — raster ↔ polygon (issue 4 §3): instances from masks (components, multi-class seeds), exact
 * tracing with holes, rasterizing, georeferencing through the tile grid, simplification, orthogonalization, validity,
 * area/nested/duplicate filtering, polygon IoU and object matching.
 */
export * from './pixel-polygon.ts';
export * from './rasterize.ts';
export * from './class-selection.ts';
export * from './label-workspace.ts';
export * from './connected-components.ts';
export * from './multiclass-instances.ts';
export * from './trace-instances.ts';
export * from './polygonize.ts';
export * from './pixel-grid.ts';
export * from './local-metres.ts';
export * from './simplify.ts';
export * from './orthogonalize.ts';
export * from './make-valid.ts';
export * from './polygon-overlap.ts';
export * from './spatial-grid.ts';
export * from './building-features.ts';
export * from './remove-nested-and-duplicates.ts';
export * from './instance-matching.ts';
export * from './match-polygons.ts';
export * from './pixel-polygon-overlaps.ts';
export * from './postprocess-buildings.ts';
