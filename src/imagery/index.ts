/** @module imagery — imagery sources (XYZ/TMS/TileJSON, chip folders, GeoTIFFs), tile fetching and image decoding. */
export type { ImageryKind, ImageryOptions, ImagerySource } from './imagery-source.ts';
export type { ImageFormat, RasterGrey, RasterRGB } from './raster.ts';
export { checkRaster, decodeImage, encodePng, sniffImageFormat } from './raster.ts';
export { openImagerySource } from './open-imagery-source.ts';
export type { FailedTile, ReadTilesOptions } from './read-tiles.ts';
export { DEFAULT_READ_CONCURRENCY, readTiles } from './read-tiles.ts';
export { FolderSource } from './folder-source.ts';
export { GeoTiffSource } from './geotiff-source.ts';
export { RemoteTileSource } from './remote-source.ts';
export type { TileUrlTemplate } from './tile-url-template.ts';
export { expandTileUrl, parseTileTemplate, redactUrl } from './tile-url-template.ts';
export { parseTileJson } from './tilejson.ts';
export type { TileJson } from './tilejson.ts';
export { createTileCache } from './tile-cache.ts';
export type { TileCache } from './tile-cache.ts';
