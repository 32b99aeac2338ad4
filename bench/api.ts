/**
 * @module bench/api — the HTTP API under load (issue 6 §7): autocannon or wrk against the STAC API's `/stac/search`
 * and `/stac/collections/local-models/items` with 10,000 model-version items stored, and against the MLflow
 * `runs/log-batch` endpoint, on embedded PGlite and on PostgreSQL. The server runs as `fair serve` in a child
 * process (single-user mode, loopback, no worker) so the load generator does not share its event loop. A fixed URL
 * is served from the STAC API's page cache after its first request; the target with a different bbox each request
 * shows what a search costs when its page is not cached.
 * Target: `/search` p99 ≤ 50 ms at 100 concurrent connections on PostgreSQL.
 *
 * The load generator shares the machine's cores with the server and PostgreSQL, so its own CPU per request shows
 * in every figure: wrk (C, one thread) costs far less than autocannon (JavaScript, in this process). `--load`
 * picks one; the default is wrk where it is installed (`apt-get install wrk`), else autocannon. On PostgreSQL the
 * server runs `--processes` API processes (default `auto`, one per core), as a deployment would; PGlite allows one.
 * Each endpoint gets `--warmup` seconds of load first, not measured: a fresh server's first requests compile code
 * and open connections, which a long-running server did once.
 *
 * Usage: npm run bench:api -- [--items 10000] [--connections 100] [--seconds 10] [--warmup 3]
 *        [--engines pglite,postgres] [--load wrk|autocannon] [--processes auto|N] [--database-url postgres://…]
 *        (default database: the loopback test cluster, started if needed, fresh database)
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    warmup: { type: 'string', default: '3' },
    processes: { type: 'string', default: 'auto' },
    engines: { type: 'string', default: 'pglite,postgres' },
    'database-url': { type: 'string' },
    load: { type: 'string' },
  },
});
const itemCount = Number(args.items);
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const repoRoot = resolve(import.meta.dirname, '..');
const loadGenerator = args.load ?? (wrkInstalled() ? 'wrk' : 'autocannon');
if (loadGenerator !== 'wrk' && loadGenerator !== 'autocannon')
  throw new Error(`--load: wrk or autocannon, not ${loadGenerator}`);

type Figures = {
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
  /** CPU the server's processes spent per request (user + system), where /proc tells it. */
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
  console.log(
    JSON.stringify(
      { items: itemCount, connections, seconds, warmup_s: warmupSeconds, load: loadGenerator, results },
      null,
      2,
    ),
  );
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
      const targets: [string, LoadTarget][] = [
        ['GET /stac/search?limit=10', { path: '/stac/search?limit=10' }],
        [
          'GET /stac/search (bbox, datetime)',
          { path: '/stac/search?bbox=0,0,5,5&datetime=2026-01-01T00:00:00Z/..&limit=10' },
        ],
        [
          'GET /stac/search (a different 5°×5° bbox each request)',
          { path: '/stac/search?limit=10', randomBbox: true, warmupSeconds: Math.max(warmupSeconds, 15) },
        ],
        [
          'GET /stac/collections/local-models/items?limit=10',
          { path: '/stac/collections/local-models/items?limit=10' },
        ],
        [
          'POST /api/2.0/mlflow/runs/log-batch',
          { path: '/api/2.0/mlflow/runs/log-batch', logBatchRunId: runId },
        ],
      ];
      for (const [name, target] of targets) {
        process.stderr.write(
          `${engine}: ${name}, ${connections} connections, ${seconds} s, ${loadGenerator}\n`,
        );
        figures[name] = await load(server.url, target, server.child.pid);
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
  if (databaseUrl !== undefined) flags.push('--database-url', databaseUrl, '--processes', args.processes);
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

/**
 * What one load phase requests: a GET of `path`, or log-batch POSTs to `path` for a run; its length when not
 * `--seconds`. `randomBbox` adds a 5°×5° `bbox` (`RANDOM_BOX`) at a random place (to the millidegree) to every request, so each
 * asks for a page no server has cached: the cost of a search itself. Its warm-up is longer (`warmupSeconds`): the
 * servers' item caches fill with the 10,000 items first, as they would have in a server that has been up a while.
 */
type LoadTarget = {
  path: string;
  logBatchRunId?: string;
  randomBbox?: boolean;
  warmupSeconds?: number;
  seconds?: number;
};

/**
 * Where random boxes lie: their south-west corners in `[west, west + westRange) × [south, south + southRange)`
 * millidegrees (over the stored items' area), each `side` degrees square. The wrk script draws them the same way.
 */
const RANDOM_BOX = { west: -175_000, westRange: 345_000, south: -65_000, southRange: 125_000, side: 5 };

/** A random box, as `bbox` text. */
function randomBbox(): string {
  const { west, westRange, south, southRange, side } = RANDOM_BOX;
  const w = (west + Math.floor(Math.random() * westRange)) / 1000;
  const s = (south + Math.floor(Math.random() * southRange)) / 1000;
  return `${w.toFixed(3)},${s.toFixed(3)},${(w + side).toFixed(3)},${(s + side).toFixed(3)}`;
}

async function load(url: string, target: LoadTarget, serverPid: number | undefined): Promise<Figures> {
  const run = loadGenerator === 'wrk' ? loadWithWrk : loadWithAutocannon;
  const warmup = target.warmupSeconds ?? warmupSeconds;
  if (warmup > 0) await run(url, { ...target, seconds: warmup });
  const cpuBefore = await processCpuMs(serverPid);
  const result = await run(url, target);
  const cpuAfter = await processCpuMs(serverPid);
  const { requests, ...figures } = result;
  if (cpuBefore !== undefined && cpuAfter !== undefined && requests > 0)
    figures.server_cpu_ms_per_request = Number(((cpuAfter - cpuBefore) / requests).toFixed(3));
  return figures;
}

/** log-batch bodies of 10 metrics each, every request a new step (as a training logs them). */
function logBatchBody(runId: string, step: number): string {
  const timestamp = Date.now();
  const metrics = Array.from({ length: 10 }, (_, i) => ({
    key: `metric_${i}`,
    value: Math.sin(step + i),
    timestamp,
    step,
  }));
  return JSON.stringify({ run_id: runId, metrics });
}

async function loadWithAutocannon(url: string, target: LoadTarget): Promise<Figures & { requests: number }> {
  const options: autocannon.Options = {
    url: `${url}${target.path}`,
    connections,
    duration: target.seconds ?? seconds,
  };
  const runId = target.logBatchRunId;
  if (target.randomBbox === true)
    options.requests = [
      { setupRequest: (request) => ({ ...request, path: `${target.path}&bbox=${randomBbox()}` }) },
    ];
  if (runId !== undefined) {
    let step = 0;
    options.method = 'POST';
    options.headers = { 'content-type': 'application/json' };
    options.requests = [
      { setupRequest: (request) => ({ ...request, body: logBatchBody(runId, (step += 1)) }) },
    ];
  }
  const result = await autocannon(options);
  return {
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors,
    non_2xx: result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * wrk with one thread; a Lua script builds log-batch bodies (the same shape as `logBatchBody`) and prints the
 * summary as one JSON line.
 */
async function loadWithWrk(url: string, target: LoadTarget): Promise<Figures & { requests: number }> {
  const scriptDir = await mkdtemp(join(tmpdir(), 'fair-bench-wrk-'));
  try {
    const script = join(scriptDir, 'bench.lua');
    await writeFile(script, wrkScript(target));
    const output = await new Promise<string>((done, failed) => {
      const child = spawn(
        'wrk',
        [
          '-t1',
          `-c${connections}`,
          `-d${target.seconds ?? seconds}s`,
          '--timeout',
          '30s',
          '-s',
          script,
          `${url}${target.path}`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', failed);
      child.once('exit', (code) =>
        code === 0 ? done(text) : failed(new Error(`wrk exited ${code}: ${text}`)),
      );
    });
    const line = output.split('\n').find((l) => l.startsWith('{"wrk"'));
    if (line === undefined) throw new Error(`wrk printed no summary: ${output}`);
    type WrkSummary = Record<'requests' | 'duration_us' | 'p50_us' | 'p99_us' | 'errors' | 'non_2xx', number>;
    const summary = JSON.parse(line) as WrkSummary;
    return {
      requests_per_s: Math.round(summary.requests / (summary.duration_us / 1e6)),
      p50_ms: Number((summary.p50_us / 1000).toFixed(1)),
      p99_ms: Number((summary.p99_us / 1000).toFixed(1)),
      errors: summary.errors,
      non_2xx: summary.non_2xx,
      requests: summary.requests,
    };
  } finally {
    await rm(scriptDir, { recursive: true, force: true });
  }
}

function wrkScript(target: LoadTarget): string {
  const summary = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"wrk":1,"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"non_2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;
  if (target.randomBbox === true) {
    const { west, westRange, south, southRange, side } = RANDOM_BOX;
    return `
request = function()
  local w = (${west} + math.random(0, ${westRange - 1})) / 1000
  local s = (${south} + math.random(0, ${southRange - 1})) / 1000
  return wrk.format(nil, string.format("${target.path}&bbox=%.3f,%.3f,%.3f,%.3f", w, s, w + ${side}, s + ${side}))
end
${summary}`;
  }
  if (target.logBatchRunId === undefined) return summary;
  return `
local step = 0
local headers = { ["content-type"] = "application/json" }
request = function()
  step = step + 1
  local timestamp = os.time() * 1000
  local metrics = {}
  for i = 0, 9 do
    metrics[#metrics + 1] = string.format('{"key":"metric_%d","value":%.17g,"timestamp":%d,"step":%d}',
      i, math.sin(step + i), timestamp, step)
  end
  local body = '{"run_id":"${target.logBatchRunId}","metrics":[' .. table.concat(metrics, ",") .. ']}'
  return wrk.format("POST", nil, headers, body)
end
${summary}`;
}

/**
 * User + system CPU of a process and its children (the API processes under `--processes`) in ms, from `/proc`
 * (Linux; undefined elsewhere). It shows what one request costs the server, which decides the throughput where
 * the load generator shares the cores.
 */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).split(' ').filter(Boolean);
    let total = 0;
    for (const id of [String(pid), ...children]) {
      const fields = (await readFile(`/proc/${id}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
      const ticksPerSecond = 100; // USER_HZ on Linux
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    }
    return total;
  } catch {
    return undefined;
  }
}

function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

await main();
