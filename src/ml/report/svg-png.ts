/** @module ml/report/svg-png — renders SVG markup to PNG bytes with sharp (librsvg), for pictures people open. */
import sharp from 'sharp';
import { AppError } from '../../shared/index.ts';

/**
 * Renders an SVG document to a PNG.
 * @param svg - a complete SVG document
 * @param options - `scale`: PNG pixels per SVG pixel, default 1.5 (crisp on high-density screens, small files)
 * @returns the PNG bytes
 * @throws AppError INVALID_PARAMETER_VALUE when librsvg cannot parse the markup or the scale is out of range
 * @example
 * await writeFile('history.png', await svgToPng(trainingCurvesSvg(curves)));
 */
export async function svgToPng(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 1.5;
  if (!(scale > 0 && scale <= 8))
    throw new AppError('INVALID_PARAMETER_VALUE', `picture scale ${scale} must be in (0, 8]`);
  try {
    // librsvg renders 1 SVG px as 1 PNG px at 72 dpi.
    const png = await sharp(Buffer.from(svg), { density: 72 * scale })
      .png({ compressionLevel: 9 })
      .toBuffer();
    return new Uint8Array(png.buffer, png.byteOffset, png.length);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new AppError('INVALID_PARAMETER_VALUE', `cannot render the SVG picture: ${reason}`);
  }
}
