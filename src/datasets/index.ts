/**
 * @module datasets — training datasets: imagery + building labels → chips, masks, `dataset.json` and a STAC Item;
 * reading them back for training.
 */
export { prepareDataset, type PrepareDatasetOptions } from './prepare-dataset.ts';
export { readDataset, loadChip, loadDatasetChip } from './read-dataset.ts';
export {
  BINARY_CLASSES,
  MULTI_CLASSES,
  classesOf,
  datasetManifestSchema,
  maxClassValue,
  type ChipEntry,
  type DatasetManifest,
  type MaskClass,
  type MaskKind,
} from './manifest.ts';
export {
  buildMask,
  resolveMaskOptions,
  MaskValue,
  type BuildMaskOptions,
  type BuiltMask,
  type PixelBuilding,
} from './build-mask.ts';
export {
  datasetStacItem,
  CLASSIFICATION_EXTENSION,
  LABEL_CLASS,
  LABEL_CLASS_PROPERTY,
  LABEL_EXTENSION,
  STAC_VERSION,
  type DatasetStacItem,
  type DatasetStacOptions,
  type StacAsset,
  type StacLink,
} from './dataset-stac-item.ts';
export { DatasetLayout } from './dataset-folder.ts';
export {
  chipId,
  frameBounds,
  framesOfTile,
  ringsToPixels,
  splitTile,
  type ChipFrame,
  type TileSplit,
} from './chip-frame.ts';
export {
  createLabelIndex,
  buildingsInFrame,
  type LabelIndex,
  type ProjectedBuilding,
} from './label-index.ts';
export { planTiles, extentOfTiles, DEFAULT_MAX_TILES, type TileSourceInfo } from './plan-tiles.ts';
