/**
 * @module bench/api — the HTTP API under load (issue 6 §7): autocannon against the STAC API's `/stac/search` and
 * `/stac/collections/local-models/items` with 10,000 model-version items stored, and against the MLflow
 * `runs/log-batch` endpoint, on embedded PGlite and on PostgreSQL. The server runs as `fair serve` in a child
 * process (single-user mode, loopback, no worker) so the load generator does not share its event loop.
 * Target: `/search` p99 ≤ 50 ms at 100 concurrent connections on PostgreSQL.
 *
 * Usage: npm run bench:api -- [--items 10000] [--connections 100] [--seconds 10] [--engines pglite,postgres]
 *        [--database-url postgres://…]   (default: the loopback test cluster, started if needed, fresh database)
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openServerServices } from '../src/server/index.ts';
import { loadConfig } from '../src/shared/index.ts';
import { publishItems } from '../src/stac/index.ts';
import { modelVersionItems } from '../src/stac/test-support/stac-fixtures.ts';
import { openWorkflowRuntime } from '../src/workflows/index.ts';
import { freshPostgresDatabase } from './fresh-postgres.ts';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    engines: { type: 'string', default: 'pglite,postgres' },
    'database-url': { type: 'string' },
  },
});
const itemCount = Number(args.items);
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const repoRoot = resolve(import.meta.dirname, '..');

type Figures = {
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
  /** CPU the server process spent per request (user + system), where /proc tells it. */
  server_cpu_ms_per_request?: number;
};

async function main(): Promise<void> {
  const results: Record<string, Record<string, Figures> | { skipped: string }> = {};
  for (const engine of args.engines.split(',')) {
    if (engine === 'pglite') results[engine] = await benchEngine(undefined);
    else if (engine === 'postgres') {
      const database = await freshPostgresDatabase('fair_bench_api', args['database-url']);
      if ('skipped' in database) results[engine] = database;
      else
        try {
          results[engine] = await benchEngine(database.url);
        } finally {
          await database.drop();
        }
    } else throw new Error(`unknown engine ${engine} (pglite, postgres)`);
  }
  console.log(JSON.stringify({ items: itemCount, connections, seconds, results }, null, 2));
}

async function benchEngine(databaseUrl: string | undefined): Promise<Record<string, Figures>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fair-bench-api-'));
  try {
    await storeItems(dataDir, databaseUrl);
    const server = await startServer(dataDir, databaseUrl);
    try {
      const runId = await createRun(server.url);
      const engine = databaseUrl === undefined ? 'pglite' : 'postgres';
      const figures: Record<string, Figures> = {};
      const targets: [string, autocannon.Options][] = [
        ['GET /stac/search?limit=10', { url: `${server.url}/stac/search?limit=10` }],
        [
          'GET /stac/search (bbox, datetime)',
          { url: `${server.url}/stac/search?bbox=0,0,5,5&datetime=2026-01-01T00:00:00Z/..&limit=10` },
        ],
        [
          'GET /stac/collections/local-models/items?limit=10',
          { url: `${server.url}/stac/collections/local-models/items?limit=10` },
        ],
        ['POST /api/2.0/mlflow/runs/log-batch', logBatchOptions(server.url, runId)],
      ];
      for (const [name, options] of targets) {
        process.stderr.write(`${engine}: ${name}, ${connections} connections, ${seconds} s\n`);
        figures[name] = await load(options, server.child.pid);
      }
      return figures;
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((done) => server.child.once('exit', done));
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Publishes `itemCount` model-version items (100 models × n versions spread over the globe) straight into the store. */
async function storeItems(dataDir: string, databaseUrl: string | undefined): Promise<void> {
  const config = { ...loadConfig({ FAIR_DATA_DIR: dataDir }), databaseUrl };
  const runtime = await openWorkflowRuntime(config);
  try {
    const services = await openServerServices(runtime);
    const perModel = Math.ceil(itemCount / 100);
    for (let m = 0; m < 100 && m * perModel < itemCount; m++) {
      const count = Math.min(perModel, itemCount - m * perModel);
      const items = modelVersionItems(`bench-model-${m}`, count, {
        lon0: -170 + (m % 10) * 34,
        lat0: -60 + Math.floor(m / 10) * 12,
        step: 0.3,
        pad: 4,
      });
      await publishItems(services.stac, items);
    }
  } finally {
    await runtime.close();
  }
}

async function startServer(
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<{ url: string; child: ChildProcess }> {
  const flags = ['--port', '0', '--no-worker', '--single-user', '--data', dataDir];
  if (databaseUrl !== undefined) flags.push('--database-url', databaseUrl);
  const child = spawn(process.execPath, [join(repoRoot, 'bin/fair.js'), 'serve', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((found, failed) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) found(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => failed(new Error(`fair serve exited ${code}: ${output}`)));
  });
  return { url, child };
}

async function createRun(url: string): Promise<string> {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const experiment = await post('/api/2.0/mlflow/experiments/create', { name: 'bench-api' });
  const run = await post('/api/2.0/mlflow/runs/create', {
    experiment_id: experiment['experiment_id'],
    start_time: Date.now(),
  });
  return String((run['run'] as { info: { run_id: string } }).info.run_id);
}

/** log-batch requests of 10 metrics each, every request a new step (as a training logs them). */
function logBatchOptions(url: string, runId: string): autocannon.Options {
  let step = 0;
  return {
    url: `${url}/api/2.0/mlflow/runs/log-batch`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          step += 1;
          const timestamp = Date.now();
          const metrics = Array.from({ length: 10 }, (_, i) => ({
            key: `metric_${i}`,
            value: Math.sin(step + i),
            timestamp,
            step,
          }));
          return { ...request, body: JSON.stringify({ run_id: runId, metrics }) };
        },
      },
    ],
  };
}

async function load(options: autocannon.Options, serverPid: number | undefined): Promise<Figures> {
  const cpuBefore = await processCpuMs(serverPid);
  const result = await autocannon({ connections, duration: seconds, ...options });
  const cpuAfter = await processCpuMs(serverPid);
  const figures: Figures = {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors,
    non_2xx: result.non2xx,
  };
  if (cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0)
    figures.server_cpu_ms_per_request = Number(((cpuAfter - cpuBefore) / result.requests.total).toFixed(3));
  return figures;
}

/**
 * User + system CPU of a process in ms, from `/proc/<pid>/stat` (Linux; undefined elsewhere). It shows what one
 * request costs the server, which decides the throughput where the load generator shares the cores.
 */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

await main();
