/**
 * @module cli/commands/tiles — `fair tiles serve-synthetic` (a local XYZ server of the synthetic scene) and
 * `fair tiles render-synthetic` (synthetic chips and their footprints into a folder) (issue 2 §6).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type * as Synthetic from '../../synthetic/index.ts';
import { createProgressBar, type Config } from '../../shared/index.ts';
import type { BBox } from '../../geo/index.ts';

// The synthetic domain (and sharp) loads when a tiles command runs, so other commands start without it.
const syntheticModule = async (): Promise<typeof Synthetic> => import('../../synthetic/index.ts');

type SceneFlags = { seed: number; center?: [number, number]; extentKm?: number };
type ServeFlags = SceneFlags & { port: number; host: string; tileSize: number; format: 'png' | 'jpeg' };
type RenderFlags = SceneFlags & {
  bbox: BBox;
  zoom: number;
  out: string;
  tileSize: number;
  format: 'png' | 'jpeg';
};

function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}`);
    return n;
  };
}

function numbers(name: string, count: number): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (parts.length !== count || !parts.every(Number.isFinite))
      throw new InvalidArgumentError(`${name} must be ${count} comma-separated numbers`);
    return parts;
  };
}

function format(value: string): 'png' | 'jpeg' {
  if (value === 'png' || value === 'jpeg' || value === 'jpg') return value === 'png' ? 'png' : 'jpeg';
  throw new InvalidArgumentError('format must be png or jpeg');
}

function withSceneOptions(command: Command): Command {
  return command
    .option('--seed <n>', 'scene seed, 0..4294967295', integer('seed', 0, 0xffffffff), 42)
    .option('--center <lon,lat>', 'centre of the scene area (default 36.8,-1.3)', numbers('center', 2))
    .option('--extent-km <km>', 'side of the square scene area in km (default 4)', (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new InvalidArgumentError('extent-km must be a number');
      return n;
    });
}

function sceneOptions(flags: SceneFlags): Synthetic.SyntheticSceneOptions {
  return {
    seed: flags.seed,
    ...(flags.center ? { center: flags.center } : {}),
    ...(flags.extentKm !== undefined ? { extentKm: flags.extentKm } : {}),
  };
}

/**
 * Adds `fair tiles serve-synthetic` and `fair tiles render-synthetic`.
 * @param program - the root command
 * @param _config - process configuration (unused: the synthetic scene needs none)
 */
export function registerTilesCommands(program: Command, _config: Config): void {
  const tiles = program
    .command('tiles')
    .description('imagery tiles: the synthetic scene as a server or as chips');
  withSceneOptions(
    tiles
      .command('serve-synthetic')
      .description(
        'serve the synthetic scene as XYZ tiles, TileJSON and building footprints until interrupted',
      )
      .option('--port <n>', 'TCP port (0: any free port)', integer('port', 0, 65535), 8081)
      .option('--host <address>', 'interface to listen on', '127.0.0.1')
      .option('--tile-size <px>', 'tile size in pixels', integer('tile-size', 64, 1024), 256)
      .option('--format <png|jpeg>', 'format of the advertised tile template', format, 'png'),
  ).action(async (flags: ServeFlags) => serve(flags));
  withSceneOptions(
    tiles
      .command('render-synthetic')
      .description('write synthetic chips OAM-{x}-{y}-{z}.png and buildings.geojson for an area')
      .requiredOption('--bbox <w,s,e,n>', 'area in degrees', numbers('bbox', 4))
      .option('--zoom <z>', 'zoom of the chips', integer('zoom', 0, 22), 19)
      .requiredOption('--out <dir>', 'output folder (created if missing)')
      .option('--tile-size <px>', 'chip size in pixels', integer('tile-size', 64, 1024), 256)
      .option('--format <png|jpeg>', 'chip format', format, 'png'),
  ).action(async (flags: RenderFlags) => render(flags));
}

async function serve(flags: ServeFlags): Promise<void> {
  const lib = await syntheticModule();
  const server = await lib.startSyntheticTileServer({
    ...sceneOptions(flags),
    port: flags.port,
    host: flags.host,
    tileSize: flags.tileSize,
    format: flags.format,
  });
  const [w, s, e, n] = server.scene.bounds;
  process.stdout.write(
    [
      `synthetic scene seed ${server.scene.seed}, bounds ${[w, s, e, n].map((v) => v.toFixed(6)).join(',')}`,
      `tiles:     ${server.tileTemplate}`,
      `tilejson:  ${server.tileJsonUrl}`,
      `buildings: ${server.buildingsUrl}?bbox=w,s,e,n`,
      'press Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function render(flags: RenderFlags): Promise<void> {
  const lib = await syntheticModule();
  const scene = lib.createSyntheticScene(sceneOptions(flags));
  const result = await lib.exportSyntheticChips(scene, {
    bbox: flags.bbox,
    zoom: flags.zoom,
    outDir: flags.out,
    tileSize: flags.tileSize,
    format: flags.format,
    progress: createProgressBar(process.stderr),
  });
  process.stdout.write(
    `${result.tiles.length} chips and ${result.buildingCount} buildings written to ${flags.out} (${result.buildingsFile})\n`,
  );
}
