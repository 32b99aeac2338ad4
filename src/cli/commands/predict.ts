/**
 * @module cli/commands/predict — `fair predict`: a model over imagery and an area → building polygons for JOSM
 * (GeoJSON or OSM XML), streamed to the output file, with an optional preview PNG (issue 4 §1).
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { BBox, Polygonal } from '../../geo/index.ts';
import type { InferenceBackend } from '../../ml/index.ts';
import type { BuildingFeature } from '../../polygons/index.ts';
import type * as PredictModule from '../../predict/index.ts';
import type { FeatureWriter, PredictSummary, ReferenceScores } from '../../predict/index.ts';
import { createProgressBar, invalid, type Config } from '../../shared/index.ts';
import { TTA_OPTION, integerIn, numberIn } from '../flags.ts';

// predict loads onnxruntime and sharp: only when the command runs, so other commands start fast.
const predictModule = async (): Promise<typeof PredictModule> => import('../../predict/index.ts');

type Format = 'geojson' | 'osm';

type PredictFlags = {
  model: string;
  tta: number;
  imagery: string;
  bbox?: string;
  aoi?: string;
  zoom?: number;
  out: string;
  confidence?: number;
  tolerance: number;
  area: number;
  orthogonalize?: boolean;
  orthoMaxAngle: number;
  overlap?: number;
  edgeMargin: number;
  conflate?: string;
  conflateThreshold?: number;
  reference?: string;
  format?: Format;
  points?: boolean;
  preview?: string;
  previewSize: number;
  source: string;
  batchSize: number;
  threads?: number;
  inferenceWorkers?: number;
  backend: InferenceBackend;
  concurrency: number;
  json?: boolean;
};

/**
 * Adds `fair predict`.
 * @param program - the root command
 * @param config - network policy, tile cache and the area limit (`FAIR_MAX_AOI_KM2`)
 */
export function registerPredictCommands(program: Command, config: Config): void {
  program
    .command('predict')
    .description('predict building polygons over an area: GeoJSON or OSM XML for JOSM')
    .requiredOption('--model <path>', 'model.onnx, a model folder (model.onnx + model.json) or a model.json')
    .requiredOption(
      '--imagery <source>',
      'XYZ/TMS URL template, TileJSON URL, folder of OAM-{x}-{y}-{z} chips or GeoTIFF',
    )
    .option('--bbox <w,s,e,n>', 'area as a bbox in degrees (default with a chip folder: every chip)')
    .option('--aoi <geojson>', 'area as a GeoJSON Polygon/MultiPolygon file')
    .option('--zoom <z>', 'tile zoom (default: the chips’ zoom, else 19)', integerIn('zoom', 0, 30))
    .requiredOption('--out <file>', 'output file (.geojson or .osm)')
    .option(
      '--confidence <p>',
      'building probability threshold 0..1 (default: the model card, usually 0.5)',
      numberIn('confidence', 0.01, 1),
    )
    .option('--tolerance <m>', 'simplification tolerance, metres', numberIn('tolerance', 0, 100), 0.3)
    .option('--area <m2>', 'drop buildings smaller than this, m²', numberIn('area', 0, 1e6), 3)
    .option('--orthogonalize', 'square near-rectangular outlines')
    .option(
      '--ortho-max-angle <deg>',
      "largest deviation of a wall from the building's axes that is squared, degrees",
      numberIn('ortho max angle', 0, 44.9),
      15,
    )
    .option(
      '--overlap <px>',
      'overlap of model windows, blended to remove seams (default 32)',
      integerIn('overlap', 0, 4096),
    )
    .option(
      '--edge-margin <m>',
      'also read tiles this close to the area so edge buildings come out whole',
      numberIn('edge margin', 0, 1000),
      30,
    )
    .option('--conflate <geojson>', 'existing buildings (e.g. from OSM): predictions they cover are dropped')
    .option(
      '--conflate-threshold <r>',
      'covered share of a prediction that drops it (default 0.3)',
      numberIn('conflate threshold', 0.01, 1),
    )
    .option(
      '--reference <geojson>',
      'reference buildings (e.g. from OSM): score the delivered buildings against those in the area (object precision, recall, F1 at IoU 0.5)',
    )
    .option('--format <kind>', 'geojson or osm (default: from the --out extension)', parseFormat)
    .option('--points', 'one point per building (its pole of inaccessibility) instead of outlines')
    .option('--preview <png>', 'also write a PNG of the imagery with the buildings drawn')
    .option('--preview-size <px>', 'largest side of the preview', integerIn('preview size', 16, 8192), 2048)
    .option('--source <text>', 'source tag of every building', 'fAIr')
    .option('--batch-size <n>', 'model windows per run', integerIn('batch size', 1, 256), 8)
    .option(
      '--threads <n>',
      'onnxruntime threads in all (default: one per core)',
      integerIn('threads', 1, 256),
    )
    .option(
      '--inference-workers <n>',
      'sessions running batches side by side, sharing the threads (default: one per thread, at most 4)',
      integerIn('inference workers', 1, 256),
    )
    .option(...TTA_OPTION)
    .option('--backend <name>', 'onnxruntime backend: node or web', parseBackend, 'node')
    .option('--concurrency <n>', 'tile reads in flight', integerIn('concurrency', 1, 64), 8)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: PredictFlags) => runPredict(flags, config));
}

async function runPredict(flags: PredictFlags, config: Config): Promise<void> {
  if (flags.bbox !== undefined && flags.aoi !== undefined) invalid('give --bbox or --aoi, not both');
  const [predict, labels, imageryModule] = await Promise.all([
    predictModule(),
    import('../../labels/index.ts'),
    import('../../imagery/index.ts'),
  ]);
  const area: Polygonal | BBox | undefined =
    flags.aoi !== undefined
      ? await labels.readAoiFile(flags.aoi, { maxAreaKm2: config.maxAoiKm2 })
      : flags.bbox !== undefined
        ? labels.parseBBoxText(flags.bbox)
        : undefined;
  const readBuildings = async (file: string | undefined) =>
    file === undefined ? undefined : (await labels.readLabelFile(file, { skipNonPolygonal: true })).labels;
  const conflateWith = await readBuildings(flags.conflate);
  const reference = await readBuildings(flags.reference);
  const model = await (await import('../../ml/index.ts')).loadModel(flags.model);
  const imagery = await imageryModule.openImagerySource(flags.imagery, {
    allowPrivateNetwork: config.allowPrivateNetwork,
    cacheDir: config.tileCacheDir,
  });
  const format =
    flags.format ?? (['.osm', '.xml'].includes(extname(flags.out).toLowerCase()) ? 'osm' : 'geojson');
  const writer = await openWriter(predict, flags, format, model.card.name);
  let result: Awaited<ReturnType<typeof predict.predictBuildings>>;
  try {
    result = await predict.predictBuildings({
      model,
      imagery,
      ...(area === undefined ? {} : { area }),
      ...(flags.zoom === undefined ? {} : { zoom: flags.zoom }),
      ...(flags.confidence === undefined ? {} : { confidence: flags.confidence }),
      toleranceM: flags.tolerance,
      minAreaM2: flags.area,
      orthogonalize: flags.orthogonalize === true,
      orthoMaxAngleDeg: flags.orthoMaxAngle,
      ...(flags.overlap === undefined ? {} : { overlapPx: flags.overlap }),
      edgeMarginM: flags.edgeMargin,
      ...(conflateWith === undefined ? {} : { conflateWith }),
      ...(flags.conflateThreshold === undefined ? {} : { conflateThreshold: flags.conflateThreshold }),
      ...(reference === undefined ? {} : { reference }),
      source: flags.source,
      batchSize: flags.batchSize,
      tta: flags.tta,
      ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      ...(flags.inferenceWorkers === undefined ? {} : { inferenceWorkers: flags.inferenceWorkers }),
      backend: flags.backend,
      concurrency: flags.concurrency,
      maxAreaKm2: config.maxAoiKm2,
      ...(flags.preview === undefined ? {} : { previewMaxSize: flags.previewSize }),
      progress: createProgressBar(process.stderr),
      onFeature: (feature) => writer.write(flags.points ? asPoint(predict, feature) : feature),
    });
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.close();
  if (flags.preview !== undefined && result.preview) await writeFile(flags.preview, result.preview);
  process.stdout.write(
    flags.json ? `${JSON.stringify(result.summary, null, 2)}\n` : describe(result.summary, flags.out, format),
  );
}

async function openWriter(
  predict: typeof PredictModule,
  flags: PredictFlags,
  format: Format,
  modelName: string,
): Promise<FeatureWriter> {
  if (format === 'osm')
    return predict.createOsmXmlWriter(flags.out, { points: flags.points === true, source: flags.source });
  return predict.createGeoJsonWriter(flags.out, {
    foreign: { fair: { model: modelName, imagery: flags.imagery } },
  });
}

function asPoint(predict: typeof PredictModule, feature: BuildingFeature): PredictModule.OutputFeature {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: predict.poleOfInaccessibility(feature.geometry.coordinates) },
    properties: feature.properties,
  };
}

function describe(s: PredictSummary, out: string, format: Format): string {
  const dropped = [
    `${s.dropped_small} small`,
    `${s.dropped_conflated} already mapped`,
    `${s.dropped_invalid} invalid`,
    `${s.dropped_nested + s.dropped_duplicate} nested or duplicate`,
  ].join(', ');
  return [
    `${s.features} buildings in ${out} (${format}) from ${s.tiles} tiles at zoom ${s.zoom} in ${s.seconds.toFixed(1)} s` +
      ` (${(s.windows / Math.max(s.seconds, 1e-3)).toFixed(1)} windows/s)`,
    `  dropped: ${dropped}${s.tiles_missing > 0 ? `; ${s.tiles_missing} tiles missing in the imagery` : ''}`,
    ...(s.reference === undefined ? [] : [describeReference(s.reference)]),
    '',
  ].join('\n');
}

function describeReference(r: ReferenceScores): string {
  return (
    `  against ${r.reference_buildings} reference buildings: ${r.matched} matched at IoU ≥ 0.5, ` +
    `precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}, F1 ${r.f1.toFixed(3)}`
  );
}

function parseFormat(value: string): Format {
  if (value !== 'geojson' && value !== 'osm')
    throw new InvalidArgumentError(`format ${JSON.stringify(value)} is not geojson or osm`);
  return value;
}

function parseBackend(value: string): InferenceBackend {
  if (value !== 'node' && value !== 'web')
    throw new InvalidArgumentError(`backend ${JSON.stringify(value)} is not node or web`);
  return value;
}
