/**
 * @module cli/commands/dataset — `fair dataset prepare` (imagery + labels → chips, masks, dataset.json, STAC Item)
 * and `fair dataset info` (issue 2 §5).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { DatasetManifest, MaskKind } from '../../datasets/index.ts';
import { bboxOfGeometry, type Polygonal } from '../../geo/index.ts';
import type { ImagerySource } from '../../imagery/index.ts';
import type { LabelCollection } from '../../labels/index.ts';
import { createProgressBar, invalid, type Config } from '../../shared/index.ts';
import { integerIn, numberIn } from '../flags.ts';

// The domains load when a dataset command runs, so other commands start without sharp, zod schemas and the like.
const datasets = async () => import('../../datasets/index.ts');
const imageryModule = async () => import('../../imagery/index.ts');
const labelsModule = async () => import('../../labels/index.ts');

type PrepareFlags = {
  imagery: string;
  aoi?: string;
  labels?: string;
  osm?: boolean;
  zoom: number[];
  out: string;
  offset?: [number, number];
  mask: MaskKind;
  chipSize: number;
  boundaryWidth: number;
  contactSpacing: number;
  resample?: boolean;
  concurrency: number;
  json?: boolean;
};

/**
 * Adds `fair dataset prepare` and `fair dataset info`.
 * @param program - the root command
 * @param config - process configuration (network policy, tile cache, Overpass endpoint, AOI area limit)
 */
export function registerDatasetCommands(program: Command, config: Config): void {
  const dataset = program
    .command('dataset')
    .description('training datasets: chips, masks and their manifest');
  dataset
    .command('prepare')
    .description('cut imagery into chips and rasterize building labels into masks')
    .requiredOption(
      '--imagery <source>',
      'XYZ/TMS URL template, TileJSON URL, or a folder of OAM-{x}-{y}-{z} chips',
    )
    .option(
      '--aoi <geojson|bbox>',
      'area of interest: GeoJSON file or w,s,e,n (default: the chips of a folder)',
    )
    .option('--labels <geojson>', 'building footprints GeoJSON (EPSG:4326)')
    .option('--osm', 'fetch the buildings of the AOI from OpenStreetMap (FAIR_OVERPASS_URL)')
    .requiredOption('--zoom <z[,z]>', 'zoom levels, e.g. 19 or 19,20', parseZooms)
    .requiredOption('--out <dir>', 'output folder (new, empty, or an earlier dataset)')
    .option('--offset <dx,dy>', 'label offset in metres east,north', parseOffset)
    .option('--mask <kind>', 'binary or multi (footprint, boundary, contact)', parseMaskKind, 'binary')
    .option('--chip-size <px>', 'chip size in pixels', integerIn('chip size', 8, 4096), 256)
    .option('--boundary-width <px>', 'boundary width of multi masks', numberIn('boundary width', 0, 256), 2)
    .option(
      '--contact-spacing <px>',
      'contact spacing of multi masks',
      numberIn('contact spacing', 0, 256),
      4,
    )
    .option('--resample', 'resample each tile to one chip instead of splitting larger tiles')
    .option('--concurrency <n>', 'tiles read and written at once', integerIn('concurrency', 1, 64), 4)
    .option('--json', 'print a JSON summary')
    .action(async (flags: PrepareFlags) => runPrepare(flags, config));
  dataset
    .command('info <dir>')
    .description('summarize a dataset folder')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, flags: { json?: boolean }) => {
      const manifest = await (await datasets()).readDataset(dir);
      const summary = summarize(dir, manifest);
      process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary));
    });
}

async function runPrepare(flags: PrepareFlags, config: Config): Promise<void> {
  if (Boolean(flags.labels) === Boolean(flags.osm))
    invalid('give exactly one of --labels <geojson> or --osm');
  const { prepareDataset } = await datasets();
  const { readLabelFile } = await labelsModule();
  // Cheap local checks first: a bad AOI or label file fails before any imagery is opened.
  const given = flags.aoi === undefined ? undefined : await readAoi(flags.aoi, config.maxAoiKm2);
  const fileLabels = flags.labels ? (await readLabelFile(flags.labels)).labels : undefined;
  const imagery = await (
    await imageryModule()
  ).openImagerySource(flags.imagery, {
    allowPrivateNetwork: config.allowPrivateNetwork,
    cacheDir: config.tileCacheDir,
  });
  const labels = fileLabels ?? (await osmLabels(imagery, given, config));
  const aoi =
    given ?? (imagery.listTiles() === undefined ? await labelsExtent(labels, config.maxAoiKm2) : undefined);
  const manifest = await prepareDataset({
    imagery,
    labels,
    ...(aoi ? { aoi } : {}),
    zooms: flags.zoom,
    out: flags.out,
    ...(flags.offset ? { offset: flags.offset } : {}),
    maskKind: flags.mask,
    chipSize: flags.chipSize,
    resample: Boolean(flags.resample),
    boundaryWidth: flags.boundaryWidth,
    contactSpacing: flags.contactSpacing,
    concurrency: flags.concurrency,
    progress: createProgressBar(process.stderr),
  });
  const summary = summarize(flags.out, manifest);
  process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : describe(summary));
}

/** An AOI from a GeoJSON file, or from `w,s,e,n` when no such file exists; checked against the area limit. */
async function readAoi(spec: string, maxAreaKm2: number): Promise<Polygonal> {
  const { assertAoiArea, bboxToPolygon, parseBBoxText, readAoiFile } = await labelsModule();
  const isFile = await stat(spec).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isFile || !/^[-+\d.,\s]+$/.test(spec)) return readAoiFile(spec, { maxAreaKm2 });
  const aoi = bboxToPolygon(parseBBoxText(spec));
  assertAoiArea(aoi, maxAreaKm2);
  return aoi;
}

/** The AOI of a tile server given labels but no AOI: the labels' extent, within the area limit. */
async function labelsExtent(labels: LabelCollection, maxAreaKm2: number): Promise<Polygonal> {
  const { assertAoiArea, bboxToPolygon } = await labelsModule();
  if (labels.features.length === 0) invalid('--aoi is needed: the labels are empty');
  const extent = bboxToPolygon(
    labels.features
      .map((f) => bboxOfGeometry(f.geometry))
      .reduce((a, b) => [
        Math.min(a[0], b[0]),
        Math.min(a[1], b[1]),
        Math.max(a[2], b[2]),
        Math.max(a[3], b[3]),
      ]),
  );
  assertAoiArea(extent, maxAreaKm2);
  return extent;
}

async function osmLabels(
  imagery: ImagerySource,
  aoi: Polygonal | undefined,
  config: Config,
): Promise<LabelCollection> {
  const listed = imagery.listTiles();
  const area = aoi ?? (listed ? (await datasets()).extentOfTiles(listed) : undefined);
  if (area === undefined) invalid(`--osm with a tile server (${imagery.label}) needs --aoi`);
  return (await labelsModule()).fetchOsmBuildings(area, {
    endpoint: config.overpassUrl,
    allowPrivateNetwork: config.allowPrivateNetwork,
    maxAreaKm2: config.maxAoiKm2,
  });
}

type Summary = {
  out: string;
  manifest: string;
  stacItem: string;
  chips: number;
  chipsWithBuildings: number;
  chipSize: number;
  maskKind: MaskKind;
  classes: string[];
  zooms: number[];
  offset: [number, number];
  bounds: [number, number, number, number];
  imagery: string;
  created: string;
};

function summarize(dir: string, manifest: DatasetManifest): Summary {
  return {
    out: dir,
    manifest: join(dir, 'dataset.json'),
    stacItem: join(dir, 'stac-item.json'),
    chips: manifest.chips.length,
    chipsWithBuildings: manifest.chips.filter((c) => c.buildings > 0).length,
    chipSize: manifest.chipSize,
    maskKind: manifest.maskKind,
    classes: manifest.classes.map((c) => `${c.value}=${c.name}`),
    zooms: manifest.zooms,
    offset: manifest.offset,
    bounds: manifest.bounds,
    imagery: manifest.imagery,
    created: manifest.created,
  };
}

function describe(s: Summary): string {
  return [
    `dataset ${s.out}: ${s.chips} chips of ${s.chipSize} px (${s.chipsWithBuildings} with buildings), zoom ${s.zooms.join(',')}`,
    `  masks ${s.maskKind}: ${s.classes.join(', ')}`,
    `  bounds ${s.bounds.map((v) => v.toFixed(6)).join(',')}, label offset ${s.offset.join(',')} m`,
    `  imagery ${s.imagery}`,
    `  manifest ${s.manifest}, STAC item ${s.stacItem}`,
    '',
  ].join('\n');
}

function parseZooms(value: string): number[] {
  const zooms = value.split(',').map((v) => Number(v.trim()));
  if (zooms.length === 0 || zooms.some((z) => !Number.isInteger(z) || z < 0 || z > 30))
    throw new InvalidArgumentError(
      `zoom ${JSON.stringify(value)} is not a comma-separated list of integers 0..30`,
    );
  return zooms;
}

function parseOffset(value: string): [number, number] {
  const parts = value.split(',').map((v) => Number(v.trim()));
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v)))
    throw new InvalidArgumentError(`offset ${JSON.stringify(value)} is not two numbers dx,dy in metres`);
  return [parts[0] as number, parts[1] as number];
}

function parseMaskKind(value: string): MaskKind {
  if (value !== 'binary' && value !== 'multi')
    throw new InvalidArgumentError(`mask ${JSON.stringify(value)} is not binary or multi`);
  return value;
}
