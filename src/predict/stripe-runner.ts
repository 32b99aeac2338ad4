/**
 * @module predict/stripe-runner — runs one column stripe of the grid north to south as one stream of batches: each
 * batch waits for its tiles and goes to the model; outputs are blended onto the grid in order; once a row of windows
 * is complete its finished rows go to the instance scanner and the buildings to the emitter, while the next batches
 * run, and the tiles no later window needs are released (issue 4 §1, §2). Batches run on across rows of windows, so
 * every batch but the last is full and the queued work keeps the model busy while a finished row is scanned.
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
  const ys = plan.windowYs;
  let loadedTo = 0;
  let releasedTo = 0;
  /** Window rows whose outputs are all on the grid and whose finished rows were taken. */
  let rowsDone = 0;
  const waiting: FinishedRows[] = [];
  const finishRow = (): void => {
    const j = rowsDone++;
    const finished = clock.time('stitch', () => rows.take(ys[j + 1] ?? plan.height));
    waiting.push(finished);
    // Tile rows wholly above the next row of windows are no longer needed.
    const releaseTo = j + 1 < ys.length ? Math.floor((finished.y0 + finished.rows) / T) : plan.tilesHigh;
    releaseTileRows(ctx, tiles, cols, core, releasedTo, releaseTo);
    releasedTo = Math.max(releasedTo, releaseTo);
  };
  const inFlight: Batch[] = [];
  const collect = async (): Promise<void> => {
    const { run, slots } = inFlight.shift() as Batch;
    const output = await clock.timeAsync('infer', () => run);
    for (const [slot, { row, x }] of slots.entries()) {
      while (rowsDone < row) finishRow();
      clock.time('stitch', () => rows.add(output, slot, x, ys[row] as number));
    }
  };
  try {
    for (const windows of batchPlan(ys.length, stripe.windowXs, ctx.batchSize)) {
      throwIfAborted(ctx.signal);
      const firstY = ys[(windows[0] as WindowAt).row] as number;
      const lastY = ys[(windows[windows.length - 1] as WindowAt).row] as number;
      const needTo = Math.min(plan.tilesHigh, Math.ceil((lastY + S) / T));
      await loadTileRows(ctx, tiles, cols, core, Math.max(loadedTo, Math.floor(firstY / T)), needTo);
      loadedTo = Math.max(loadedTo, needTo);
      const batch = submitBatch(ctx, windows, tiles);
      if (batch) inFlight.push(batch);
      // Finished rows are scanned while the model runs the batches just submitted.
      for (let finished = waiting.shift(); finished; finished = waiting.shift()) await scan(finished);
      // One batch waits behind each one running, so no inference worker idles between batches.
      while (inFlight.length > 2 * (ctx.session.concurrency ?? 1) - 1) await collect();
    }
    while (inFlight.length > 0) await collect();
  } finally {
    await Promise.allSettled(inFlight.map((b) => b.run));
  }
  while (rowsDone < ys.length) finishRow();
  for (let finished = waiting.shift(); finished; finished = waiting.shift()) await scan(finished);
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

/** One window: its row of windows (an index into the plan's `windowYs`) and its origin column (grid pixels). */
type WindowAt = { row: number; x: number };

/** A batch given to the model: the run and the window of each image in it, rows in order. */
type Batch = { run: Promise<Float32Array>; slots: WindowAt[] };

/** Every window, rows in order, in batches of `batchSize` (the last may be smaller); a batch may span rows. */
function batchPlan(rowCount: number, windowXs: readonly number[], batchSize: number): WindowAt[][] {
  const batches: WindowAt[][] = [];
  let current: WindowAt[] = [];
  for (let row = 0; row < rowCount; row++)
    for (const x of windowXs) {
      current.push({ row, x });
      if (current.length === batchSize) {
        batches.push(current);
        current = [];
      }
    }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Fills a batch with those of `windows` that have imagery and starts it; none when none has. */
function submitBatch(ctx: StripeContext, windows: readonly WindowAt[], tiles: TileRows): Batch | undefined {
  const { plan } = ctx;
  const S = plan.inputSize;
  const tileAt = (col: number, tileRow: number): RasterRGB | undefined =>
    tiles.get(tileRow * plan.tilesWide + col);
  const batch = new Float32Array(windows.length * 3 * S * S);
  const slots: WindowAt[] = [];
  ctx.clock.time('prepare', () => {
    for (const w of windows)
      if (fillWindow(batch, slots.length, plan, w.x, plan.windowYs[w.row] as number, tileAt, ctx.scaling))
        slots.push(w);
      else ctx.counts.skipped++;
  });
  if (slots.length === 0) return undefined;
  const n = slots.length;
  ctx.counts.windows += n;
  const run = ctx.session.run(n === windows.length ? batch : batch.slice(0, n * 3 * S * S), n);
  run.catch(() => undefined);
  return { run, slots };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new AppError('CONFLICT', 'the prediction was aborted');
}
