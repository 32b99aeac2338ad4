/**
 * @module workflows/test-support/worker-process — a whole worker process over the test catalog, for durability
 * tests (run with `node --import tsx worker-process.ts '<json options>'`): opens the runtime (the database owner, as
 * `fair worker` is), optionally launches one execution (prints `execution <id>`), then runs a local worker until it
 * is killed or gets SIGTERM, printing `started <execution>/<node>#<attempt>` and `finished … <PHASE>` lines.
 */
import { loadConfig } from '../../shared/index.ts';
import { createLocalWorker } from '../local-executor/index.ts';
import { openWorkflowRuntime } from '../runtime.ts';
import { executorWorkflows } from './executor-workflows.ts';
import { taskCatalog, testCatalogModule } from './test-tasks.ts';

/** The JSON options in argv[2]. */
export type WorkerProcessOptions = {
  dataDir: string;
  /** Database URL (a `pglite:///dir` or a PostgreSQL URL). */
  databaseUrl: string;
  leaseMs: number;
  /** Launch this workflow first, with these inputs. */
  launch?: { workflow: string; inputs: Record<string, unknown> };
};

const write = (line: string): void => void process.stdout.write(`${line}\n`);
const options = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessOptions;
const config = loadConfig({ FAIR_DATA_DIR: options.dataDir, DATABASE_URL: options.databaseUrl });
const runtime = await openWorkflowRuntime(config, { tasks: taskCatalog, workflows: executorWorkflows });
if (options.launch !== undefined) {
  write(`execution ${await runtime.controlPlane.launch(options.launch.workflow, options.launch.inputs)}`);
}
const worker = createLocalWorker({
  protocol: runtime.controlPlane,
  tasks: taskCatalog,
  catalogModule: testCatalogModule,
  blobs: runtime.blobs,
  config,
  hooks: runtime.controlPlane.hooks,
  concurrency: 2,
  leaseMs: options.leaseMs,
  pollMs: 100,
  onActivity: (a) => {
    const what = `${a.attempt.executionId}/${a.attempt.nodeId}#${a.attempt.attempt}`;
    write(a.type === 'started' ? `started ${what}` : `finished ${what} ${a.result.phase}`);
  },
  onError: (error) => process.stderr.write(`worker error: ${String(error)}\n`),
});
worker.start();
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => runtime.close())
    .then(() => process.exit(0));
});
