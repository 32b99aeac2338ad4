/**
 * @module cli/commands/labels — `fair labels fetch-osm` (OpenStreetMap buildings of an area through Overpass) and
 * `fair labels check` (import a GeoJSON label file, report counts, repairs and extent) (issue 2 §4).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type * as Labels from '../../labels/index.ts';
import type { LabelSummary, OsmArea } from '../../labels/index.ts';
import { createProgressBar, invalid, type Config } from '../../shared/index.ts';

// The labels domain loads when a labels command runs, so other commands start without it.
const labelsModule = async (): Promise<typeof Labels> => import('../../labels/index.ts');

type FetchFlags = {
  bbox?: string;
  aoi?: string;
  out: string;
  endpoint?: string;
  timeout: number;
  retries: number;
  json?: boolean;
};

type CheckFlags = { json?: boolean; skipNonPolygonal?: boolean; out?: string };

/**
 * Adds `fair labels fetch-osm` and `fair labels check`.
 * @param program - the root command
 * @param config - process configuration (Overpass endpoint, network policy, AOI area limit)
 */
export function registerLabelsCommands(program: Command, config: Config): void {
  const labels = program
    .command('labels')
    .description('building labels: GeoJSON import and OpenStreetMap fetch');
  labels
    .command('fetch-osm')
    .description('fetch the OpenStreetMap buildings of an area through the Overpass API')
    .option('--bbox <w,s,e,n>', 'area as west,south,east,north in degrees')
    .option('--aoi <geojson>', 'area as a GeoJSON file of polygons (EPSG:4326)')
    .requiredOption('--out <file.geojson>', 'where to write the buildings')
    .option(
      '--endpoint <url>',
      `Overpass API endpoint (default FAIR_OVERPASS_URL, now ${config.overpassUrl})`,
    )
    .option('--timeout <seconds>', 'deadline of each attempt', positiveNumber('timeout'), 180)
    .option('--retries <n>', 'further attempts after 429, 5xx or a timeout', wholeNumber('retries'), 3)
    .option('--json', 'print a JSON summary')
    .action(async (flags: FetchFlags) => runFetch(flags, config));
  labels
    .command('check <file>')
    .description('import a GeoJSON label file and report counts, repairs and extent')
    .option('--skip-non-polygonal', 'skip Point/LineString/... features instead of failing')
    .option('--out <file.geojson>', 'also write the repaired labels')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: CheckFlags) => runCheck(file, flags));
}

async function runFetch(flags: FetchFlags, config: Config): Promise<void> {
  const lib = await labelsModule();
  const area = await areaOf(flags, config.maxAoiKm2);
  const endpoint = flags.endpoint ?? config.overpassUrl;
  const report = await lib.fetchOsmBuildingsReport(area, {
    endpoint,
    allowPrivateNetwork: config.allowPrivateNetwork,
    timeoutMs: flags.timeout * 1000,
    retries: flags.retries,
    maxAreaKm2: config.maxAoiKm2,
    progress: createProgressBar(process.stderr),
  });
  await lib.writeLabelFile(flags.out, report.labels);
  const summary = lib.summarizeLabels(report.labels);
  const result = {
    out: flags.out,
    endpoint,
    attempts: report.attempts,
    bytes: report.bytes,
    ...summary,
    skipped: report.skipped,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const skipped = Object.entries(report.skipped).filter(([, n]) => n > 0);
    process.stdout.write(
      `wrote ${summary.features} buildings to ${flags.out} (${summary.multiPolygons} multipolygons, ${summary.holes} holes)\n` +
        (skipped.length > 0 ? `skipped: ${skipped.map(([why, n]) => `${n} ${why}`).join(', ')}\n` : ''),
    );
  }
}

async function areaOf(flags: FetchFlags, maxAreaKm2: number): Promise<OsmArea> {
  if (Boolean(flags.bbox) === Boolean(flags.aoi))
    invalid('give exactly one of --bbox w,s,e,n or --aoi <geojson>');
  const lib = await labelsModule();
  if (flags.aoi !== undefined) return lib.readAoiFile(flags.aoi, { maxAreaKm2 });
  return lib.parseBBoxText(flags.bbox ?? '');
}

async function runCheck(file: string, flags: CheckFlags): Promise<void> {
  const lib = await labelsModule();
  const result = await lib.readLabelFile(file, { skipNonPolygonal: flags.skipNonPolygonal === true });
  if (flags.out !== undefined) await lib.writeLabelFile(flags.out, result.labels);
  const summary = lib.summarizeLabels(result.labels);
  const report = {
    file,
    ...summary,
    repairs: result.repairs,
    repairNotes: result.repairNotes,
    skipped: result.skipped,
  };
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeCheck(file, summary, result),
  );
}

function describeCheck(
  file: string,
  summary: LabelSummary,
  result: { repairs: number; repairNotes: string[]; skipped: number },
): string {
  const lines = [
    `${file}: ${summary.features} features (${summary.polygons} Polygon, ${summary.multiPolygons} MultiPolygon, ${summary.holes} holes, ${summary.vertices} vertices)`,
    `bbox: ${summary.bbox === null ? 'none' : summary.bbox.join(',')}`,
    `area: ${(summary.areaM2 / 1e6).toFixed(4)} km²`,
    `repairs: ${result.repairs}${result.skipped > 0 ? `, skipped: ${result.skipped}` : ''}`,
    ...result.repairNotes.map((note) => `  ${note}`),
  ];
  return `${lines.join('\n')}\n`;
}

function positiveNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0))
      throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
    return n;
  };
}

function wholeNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(Number.isInteger(n) && n >= 0))
      throw new InvalidArgumentError(`${name} must be a whole number >= 0, got ${value}`);
    return n;
  };
}
