/**
 * @module bench/workflows — the orchestrator's overhead (issue 5 §6): no-op tasks (`health-check@1`, one `noop@1`
 * node each) through the control plane and the local executor's process pool, on embedded PGlite and on PostgreSQL.
 *
 * Two phases per engine, after a warm-up that starts the pool's child processes:
 * - throughput: `--tasks` executions launched at once (a backlog); tasks/s = tasks ÷ (first launch → last finish).
 *   Queued→started latency under a backlog is mostly time spent waiting in the queue, so it is printed but is not
 *   the latency figure.
 * - latency: `--tasks` executions launched at a steady `--rate` per second (default: half the throughput just
 *   measured on that engine, i.e. below capacity); queued→started p50/p99 from the database clock
 *   (`task_attempts.started_at − queued_at`) is the scheduling latency.
 * Targets on PostgreSQL: ≥ 200 tasks/s, p99 ≤ 50 ms.
 *
 * Usage: npm run bench:workflows -- [--tasks 1000] [--rate auto|<per s>] [--concurrency 2] [--engines pglite,postgres]
 *        [--database-url postgres://…]   (default: the loopback test cluster of tests/setup/postgres.ts, started if
 *        needed, with a fresh database)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '../src/db/index.ts';
import type { Database } from '../src/db/index.ts';
import { loadConfig } from '../src/shared/index.ts';
import { createBlobStore } from '../src/storage/index.ts';
import { builtinCatalogModule, builtinTasks, healthCheckWorkflow } from '../src/workflows/builtin/index.ts';
import { createControlPlane } from '../src/workflows/control-plane/control-plane.ts';
import type { ControlPlane } from '../src/workflows/control-plane/control-plane.ts';
import { workflowMigrations } from '../src/workflows/control-plane/migrations.ts';
import { createLocalWorker } from '../src/workflows/local-executor/index.ts';
import { freshPostgresDatabase } from './fresh-postgres.ts';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000' },
    rate: { type: 'string', default: 'auto' },
    concurrency: { type: 'string', default: '2' },
    engines: { type: 'string', default: 'pglite,postgres' },
    'database-url': { type: 'string' },
  },
});
const tasks = Number(args.tasks);
const concurrency = Number(args.concurrency);

type PhaseFigures = { tasks_per_s: number; p50_ms: number; p99_ms: number; max_ms: number };
type EngineFigures = { throughput: PhaseFigures; latency: PhaseFigures & { rate_per_s: number } };

async function main(): Promise<void> {
  const results: Record<string, EngineFigures | { skipped: string }> = {};
  for (const engine of args.engines.split(',')) {
    if (engine === 'pglite') {
      const dir = await mkdtemp(join(tmpdir(), 'fair-bench-pglite-'));
      try {
        results[engine] = await benchEngine(`pglite://${dir}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else if (engine === 'postgres') {
      const database = await freshPostgresDatabase('fair_bench', args['database-url']);
      if ('skipped' in database) results[engine] = database;
      else
        try {
          results[engine] = await benchEngine(database.url);
        } finally {
          await database.drop();
        }
    } else throw new Error(`unknown engine ${engine} (pglite, postgres)`);
  }
  console.log(JSON.stringify({ tasks, concurrency, results }, null, 2));
}

async function benchEngine(databaseUrl: string): Promise<EngineFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fair-bench-workflows-'));
  const config = loadConfig({ FAIR_DATA_DIR: dataDir });
  const blobs = await createBlobStore(undefined, { dataDir, s3: config.s3 });
  const db = await openDatabase(databaseUrl, { dataDir });
  const controlPlane = createControlPlane({ db, blobs, tasks: builtinTasks });
  const worker = createLocalWorker({
    protocol: controlPlane,
    tasks: builtinTasks,
    catalogModule: builtinCatalogModule,
    blobs,
    config,
    concurrency,
    onError: (error) => process.stderr.write(`worker: ${String(error)}\n`),
  });
  try {
    await migrate(db, 'workflows', workflowMigrations);
    await controlPlane.registerAll(builtinTasks, [healthCheckWorkflow]);
    worker.start();
    process.stderr.write(`${db.engine}: warm-up\n`);
    await runPhase(controlPlane, db, 20, Infinity);
    process.stderr.write(`${db.engine}: throughput, ${tasks} tasks launched at once\n`);
    const throughput = await runPhase(controlPlane, db, tasks, Infinity);
    const rate =
      args.rate === 'auto' ? Math.max(1, Math.round(throughput.tasks_per_s / 2)) : Number(args.rate);
    process.stderr.write(`${db.engine}: latency, ${tasks} tasks at ${rate}/s\n`);
    const latency = await runPhase(controlPlane, db, tasks, rate);
    return { throughput, latency: { rate_per_s: rate, ...latency } };
  } finally {
    await worker.stop();
    await controlPlane.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Launches `count` executions (all at once, or at `perSecond`), waits for all, and reads the figures back. */
async function runPhase(
  controlPlane: ControlPlane,
  db: Database,
  count: number,
  perSecond: number,
): Promise<PhaseFigures> {
  const started = performance.now();
  const ids: string[] = [];
  const launches: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    if (Number.isFinite(perSecond)) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    launches.push(controlPlane.launch('health-check@1', { value: i }).then((id) => void ids.push(id)));
    // A backlog is launched as fast as the database takes it, a few launches in flight at a time.
    if (launches.length >= 8) await Promise.all(launches.splice(0));
  }
  await Promise.all(launches);
  for (const id of ids) {
    const view = await controlPlane.waitForExecution(id, { timeoutMs: 600_000 });
    if (view.phase !== 'SUCCEEDED') throw new Error(`execution ${id} ended ${view.phase}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const rows = await db.query<{ latency_ms: number }>(
    `SELECT EXTRACT(EPOCH FROM (started_at - queued_at)) * 1000 AS latency_ms
       FROM task_attempts WHERE execution_id = ANY($1::text[])`,
    [ids],
  );
  const latencies = rows.map((r) => Number(r.latency_ms)).sort((a, b) => a - b);
  return {
    tasks_per_s: round(count / seconds),
    p50_ms: round(quantile(latencies, 0.5)),
    p99_ms: round(quantile(latencies, 0.99)),
    max_ms: round(latencies.at(-1) ?? NaN),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

await main();
