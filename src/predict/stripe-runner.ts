/**
 * @module predict/stripe-runner — runs one column stripe of the grid north to south: for each row of windows, wait for
 * its tiles, run the model in batches, blend the outputs onto the grid, hand the finished rows to the instance
 * scanner and the buildings to the emitter, then release the tiles no later window needs (issue 4 §1, §2).
 */
import type { RasterRGB } from '../imagery/index.ts';
import type { InferenceSession } from '../ml/index.ts';
import { AppError } from '../shared/index.ts';
import type { Progress } from '../shared/index.ts';
import type { BuildingEmitter } from './building-emitter.ts';
import type { GridPlan, Stripe } from './grid-plan.ts';
import { InstanceScanner } from './instance-scanner.ts';
import type { PreviewCanvas } from './preview.ts';
import { ProbabilityRows } from './probability-rows.ts';
import type { FinishedRows } from './probability-rows.ts';
import type { StageClock } from './stage-clock.ts';
import { tileFailure } from './tile-prefetcher.ts';
import type { TilePrefetcher } from './tile-prefetcher.ts';
import { fillWindow } from './window-input.ts';
import type { InputScaling } from './window-input.ts';

/** Everything a stripe run shares with the others. */
export type StripeContext = {
  plan: GridPlan;
  session: InferenceSession;
  scaling: InputScaling;
  /** Building probability threshold. */
  confidence: number;
  batchSize: number;
  prefetcher: TilePrefetcher;
  emitter: BuildingEmitter;
  clock: StageClock;
  progress: Progress;
  preview: PreviewCanvas | undefined;
  signal: AbortSignal | undefined;
  /** Windows run and windows skipped (no imagery under them). */
  counts: { windows: number; skipped: number; maxRowsHeld: number };
};

type TileRows = Map<number, RasterRGB | undefined>;

/**
 * Runs one stripe.
 * @param ctx - the shared parts
 * @param stripe - the stripe
 * @throws AppError UPSTREAM_FAILURE naming a tile that failed (other than missing); the signal's reason when aborted
 */
export async function runStripe(ctx: StripeContext, stripe: Stripe): Promise<void> {
  const { plan, clock } = ctx;
  const T = plan.tileSize;
  const S = plan.inputSize;
  const cols = { from: Math.floor(stripe.computeX0 / T), to: Math.ceil(stripe.computeX1 / T) };
  const core = { from: Math.floor(stripe.coreX0 / T), to: Math.ceil(stripe.coreX1 / T) };
  const rows = new ProbabilityRows({
    x0: stripe.computeX0,
    x1: stripe.computeX1,
    cropX0: stripe.extX0,
    cropX1: stripe.extX1,
    height: plan.height,
    channels: ctx.session.classes,
    inputSize: S,
    overlap: plan.overlap,
  });
  const scanner = new InstanceScanner({
    x0: stripe.extX0,
    width: stripe.extX1 - stripe.extX0,
    coreX0: stripe.coreX0,
    coreX1: stripe.coreX1,
    gridHeight: plan.height,
    confidence: ctx.confidence,
    multiclass: ctx.session.classes > 1,
  });
  const tiles: TileRows = new Map();
  const scan = async (finished: FinishedRows): Promise<void> => {
    const found = clock.time('polygonize', () => scanner.push(finished));
    ctx.counts.maxRowsHeld = Math.max(ctx.counts.maxRowsHeld, scanner.rowsHeld);
    await ctx.emitter.emit(found);
  };
  let loadedTo = 0;
  let releasedTo = 0;
  let finished: FinishedRows | undefined;
  for (let j = 0; j < plan.windowYs.length; j++) {
    const wy = plan.windowYs[j] as number;
    const needTo = Math.min(plan.tilesHigh, Math.ceil((wy + S) / T));
    await loadTileRows(ctx, tiles, cols, core, Math.max(loadedTo, Math.floor(wy / T)), needTo);
    loadedTo = Math.max(loadedTo, needTo);
    // The rows finished by the previous row of windows are scanned once this row's first batch is running.
    const previous = finished;
    await inferWindowRow(ctx, rows, stripe.windowXs, wy, tiles, previous && (() => scan(previous)));
    finished = clock.time('stitch', () => rows.take(plan.windowYs[j + 1] ?? plan.height));
    // Tile rows wholly above the next row of windows are no longer needed.
    const releaseTo =
      j + 1 < plan.windowYs.length ? Math.floor((finished.y0 + finished.rows) / T) : plan.tilesHigh;
    releaseTileRows(ctx, tiles, cols, core, releasedTo, releaseTo);
    releasedTo = Math.max(releasedTo, releaseTo);
  }
  if (finished) await scan(finished);
}

async function loadTileRows(
  ctx: StripeContext,
  tiles: TileRows,
  cols: { from: number; to: number },
  core: { from: number; to: number },
  rowFrom: number,
  rowTo: number,
): Promise<void> {
  const { plan, prefetcher } = ctx;
  const waits: Promise<void>[] = [];
  for (let row = rowFrom; row < rowTo; row++)
    for (let col = cols.from; col < cols.to; col++) {
      const key = row * plan.tilesWide + col;
      if (tiles.has(key)) continue;
      const tile = { x: plan.tileX0 + col, y: plan.tileY0 + row, z: plan.zoom };
      tiles.set(key, undefined);
      if (!plan.areaTiles.has(`${tile.z}/${tile.x}/${tile.y}`)) continue;
      waits.push(
        prefetcher.get(tile).then((result) => {
          if (result.kind === 'failed') throw tileFailure(tile, result.reason);
          if (result.kind === 'missing') return;
          tiles.set(key, result.image);
          if (ctx.preview && col >= core.from && col < core.to) ctx.preview.addTile(col, row, result.image);
        }),
      );
    }
  await ctx.clock.timeAsync('fetch', () => Promise.all(waits));
}

function releaseTileRows(
  ctx: StripeContext,
  tiles: TileRows,
  cols: { from: number; to: number },
  core: { from: number; to: number },
  rowFrom: number,
  rowTo: number,
): void {
  const { plan } = ctx;
  let done = 0;
  for (let row = rowFrom; row < rowTo; row++)
    for (let col = cols.from; col < cols.to; col++) {
      tiles.delete(row * plan.tilesWide + col);
      const tile = { x: plan.tileX0 + col, y: plan.tileY0 + row, z: plan.zoom };
      if (!plan.areaTiles.has(`${tile.z}/${tile.x}/${tile.y}`)) continue;
      ctx.prefetcher.release(tile);
      if (col >= core.from && col < core.to) done++;
    }
  if (done > 0) ctx.progress.tick(done, `${ctx.emitter.counts.features} buildings`);
}

/** Batches in flight: one running in the worker, one waiting, so the worker never idles between batches. */
const BATCHES_IN_FLIGHT = 2;

/**
 * Runs the windows of one row in batches, stitching each output as it arrives; `whileRunning` (the scan of the rows
 * finished before) runs once the first batch is submitted, overlapping the model.
 */
async function inferWindowRow(
  ctx: StripeContext,
  rows: ProbabilityRows,
  windowXs: readonly number[],
  wy: number,
  tiles: TileRows,
  whileRunning: (() => Promise<void>) | undefined,
): Promise<void> {
  const { plan, batchSize, session, clock } = ctx;
  const S = plan.inputSize;
  const tileAt = (col: number, row: number): RasterRGB | undefined => tiles.get(row * plan.tilesWide + col);
  const inFlight: { run: Promise<Float32Array>; slots: number[] }[] = [];
  const collect = async (): Promise<void> => {
    const { run, slots } = inFlight.shift() as { run: Promise<Float32Array>; slots: number[] };
    const output = await clock.timeAsync('infer', () => run);
    clock.time('stitch', () => slots.forEach((x, slot) => rows.add(output, slot, x, wy)));
  };
  let pendingScan = whileRunning;
  try {
    for (let k = 0; k < windowXs.length; k += batchSize) {
      throwIfAborted(ctx.signal);
      const chunk = windowXs.slice(k, k + batchSize);
      const batch = new Float32Array(chunk.length * 3 * S * S);
      const slots: number[] = [];
      clock.time('prepare', () => {
        for (const x of chunk)
          if (fillWindow(batch, slots.length, plan, x, wy, tileAt, ctx.scaling)) slots.push(x);
          else ctx.counts.skipped++;
      });
      if (slots.length > 0) {
        const n = slots.length;
        ctx.counts.windows += n;
        const run = session.run(n === chunk.length ? batch : batch.slice(0, n * 3 * S * S), n);
        run.catch(() => undefined);
        inFlight.push({ run, slots });
      }
      if (pendingScan) {
        await pendingScan();
        pendingScan = undefined;
      }
      while (inFlight.length >= BATCHES_IN_FLIGHT) await collect();
    }
    if (pendingScan) await pendingScan();
    while (inFlight.length > 0) await collect();
  } finally {
    await Promise.allSettled(inFlight.map((f) => f.run));
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new AppError('CONFLICT', 'the prediction was aborted');
}
