/**
 * @module synthetic — deterministic synthetic aerial scenes: rendered tiles, their truth footprints, and a local XYZ
 * tile server, so demos and tests run offline through the same HTTP tile path as real imagery.
 */
export {
  createSyntheticScene,
  DEFAULT_SCENE_CENTER,
  DEFAULT_SCENE_EXTENT_KM,
  type SyntheticScene,
  type SyntheticSceneOptions,
} from './scene.ts';
export { renderSyntheticTile, renderSyntheticArea } from './render-tile.ts';
export { syntheticBuildings, type SyntheticBuildingProperties } from './footprints.ts';
export {
  startSyntheticTileServer,
  type SyntheticTileServer,
  type SyntheticTileServerOptions,
} from './tile-server.ts';
export { encodeRaster, type SyntheticImageFormat } from './encode-image.ts';
export { exportSyntheticChips, MAX_EXPORT_CHIPS, type SyntheticExport } from './export-chips.ts';
