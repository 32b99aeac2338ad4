/**
 * @module synthetic/raster-rgb — the decoded image type. It mirrors `RasterRGB` of `src/imagery/` (which did not exist
 * yet when this folder was written); the two are structurally identical, so either can be passed where the other is
 * expected.
 */

/** An 8-bit RGB image, pixels row-major from the top-left, channels interleaved (`data.length = width·height·3`). */
export type RasterRGB = { width: number; height: number; data: Uint8Array };
