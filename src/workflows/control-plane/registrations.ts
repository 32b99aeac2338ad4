/**
 * @module workflows/control-plane/registrations — immutable registration of tasks and workflows (same content: a
 * no-op; changed content under the same version: RESOURCE_ALREADY_EXISTS with a diff) and their lookup. Registered
 * specs never change, so they are cached in memory once read.
 */
import { AppError } from '../../shared/index.ts';
import type { Database, SqlClient } from '../../db/index.ts';
import type { TaskDefinition } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { jsonDiff } from './canonical-json.ts';
import { topologicalOrder, validateWorkflow } from './dag.ts';
import { parseRef, sortVersions, specDigest, taskSpecOf, workflowSpecOf } from './specs.ts';
import type { Registered, TaskSpec, WorkflowSpec } from './specs.ts';
import type { RegistrationResult, TaskView, WorkflowSummary, WorkflowView } from './views.ts';

type Kind = 'task' | 'workflow';
type SpecRow = {
  name: string;
  version: string;
  digest: string;
  spec: TaskSpec | WorkflowSpec;
  created_at: Date;
};

const tableOf: Record<Kind, string> = { task: 'task_definitions', workflow: 'workflow_definitions' };

/** Registered tasks and workflows of one database, with an in-memory cache of the immutable specs. */
export class Registry {
  readonly #db: Database;
  readonly #cache = new Map<string, Registered<TaskSpec | WorkflowSpec>>();
  readonly #orders = new Map<string, string[]>();

  /** @param db - the database holding `task_definitions` and `workflow_definitions` */
  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * Registers a task version.
   * @param task - the declaration
   * @returns the registration; `created: false` when identical content was registered before
   * @throws AppError RESOURCE_ALREADY_EXISTS with a short diff when the version exists with other content
   */
  async registerTask(task: TaskDefinition): Promise<RegistrationResult> {
    return this.#register('task', taskSpecOf(task));
  }

  /**
   * Validates and registers a workflow version (its tasks must be registered first).
   * @param workflow - the declaration
   * @returns the registration
   * @throws AppError RESOURCE_DOES_NOT_EXIST for a task version that is not registered (listing known versions),
   *   INVALID_PARAMETER_VALUE for a bad binding, an unbound required input or a cycle, RESOURCE_ALREADY_EXISTS with
   *   a diff when the version exists with other content
   */
  async registerWorkflow(workflow: WorkflowDefinition): Promise<RegistrationResult> {
    const spec = workflowSpecOf(workflow);
    const tasks = new Map<string, TaskSpec>();
    for (const node of spec.nodes) {
      if (!tasks.has(node.task)) tasks.set(node.task, (await this.task(node.task)).spec);
    }
    validateWorkflow(spec, tasks);
    return this.#register('workflow', spec);
  }

  /**
   * A registered task.
   * @param ref - `name@version`, or `name` for the latest version
   * @param sql - the client to read with (inside a transaction: the transaction; PGlite runs one at a time), default
   *   the database
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming the task and listing known versions
   */
  async task(ref: string, sql: SqlClient = this.#db): Promise<Registered<TaskSpec>> {
    return (await this.#lookup('task', ref, sql)) as Registered<TaskSpec>;
  }

  /**
   * A registered workflow.
   * @param ref - `name@version`, or `name` for the latest version
   * @param sql - the client to read with, default the database (see `task`)
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming the workflow and listing known workflows or versions
   */
  async workflow(ref: string, sql: SqlClient = this.#db): Promise<Registered<WorkflowSpec>> {
    return (await this.#lookup('workflow', ref, sql)) as Registered<WorkflowSpec>;
  }

  /**
   * Node ids of a registered workflow in topological order.
   * @param spec - the workflow
   */
  orderOf(spec: WorkflowSpec): string[] {
    const key = `${spec.name}@${spec.version}`;
    let order = this.#orders.get(key);
    if (order === undefined) {
      order = topologicalOrder(spec);
      this.#orders.set(key, order);
    }
    return order;
  }

  /** Every registered workflow name with its versions. */
  async listWorkflows(): Promise<WorkflowSummary[]> {
    const rows = await this.#db.query<{ name: string; version: string; spec: WorkflowSpec }>(
      'SELECT name, version, spec FROM workflow_definitions ORDER BY name',
    );
    const byName = new Map<string, { versions: string[]; specs: Map<string, WorkflowSpec> }>();
    for (const row of rows) {
      const entry = byName.get(row.name) ?? {
        versions: [] as string[],
        specs: new Map<string, WorkflowSpec>(),
      };
      entry.versions.push(row.version);
      entry.specs.set(row.version, row.spec);
      byName.set(row.name, entry);
    }
    return [...byName].map(([name, { versions, specs }]) => {
      const sorted = sortVersions(versions);
      const latestVersion = sorted[sorted.length - 1] as string;
      return {
        name,
        description: specs.get(latestVersion)?.description ?? '',
        latestVersion,
        versions: sorted,
      };
    });
  }

  /**
   * A task as `describe` shows it.
   * @param ref - `name@version` or `name`
   */
  async taskView(ref: string): Promise<TaskView> {
    const { spec, digest, createdAt } = await this.task(ref);
    return { ...structuredClone(spec), digest, createdAt };
  }

  /**
   * A workflow with each node's task interface.
   * @param ref - `name@version` or `name`
   */
  async workflowView(ref: string): Promise<WorkflowView> {
    const { spec, digest, createdAt } = await this.workflow(ref);
    const byId = new Map(spec.nodes.map((n) => [n.id, n]));
    const nodes = [];
    for (const id of this.orderOf(spec)) {
      const node = byId.get(id);
      if (node) nodes.push({ ...structuredClone(node), interface: await this.taskView(node.task) });
    }
    const { name, version, description, inputs, outputs } = structuredClone(spec);
    return { name, version, digest, description, inputs, nodes, outputs, createdAt };
  }

  async #register(kind: Kind, spec: TaskSpec | WorkflowSpec): Promise<RegistrationResult> {
    const digest = specDigest(spec);
    const result = { name: spec.name, version: spec.version, digest };
    const inserted = await this.#db.query<{ created_at: Date }>(
      `INSERT INTO ${tableOf[kind]} (name, version, digest, spec) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (name, version) DO NOTHING RETURNING created_at`,
      [spec.name, spec.version, digest, JSON.stringify(spec)],
    );
    if (inserted[0]) {
      this.#cache.set(`${kind}:${spec.name}@${spec.version}`, {
        spec,
        digest,
        createdAt: inserted[0].created_at,
      });
      return { ...result, created: true };
    }
    const existing = await this.#read(this.#db, kind, spec.name, spec.version);
    if (existing === undefined || existing.digest === digest) return { ...result, created: false };
    const diff = jsonDiff(existing.spec, spec);
    throw new AppError(
      'RESOURCE_ALREADY_EXISTS',
      `${kind} ${spec.name}@${spec.version} is already registered with other content (${diff.join('; ')}); register a new version`,
      { diff, registeredDigest: existing.digest, digest },
    );
  }

  #cached(kind: Kind, ref: string): Registered<TaskSpec | WorkflowSpec> | undefined {
    return this.#cache.get(`${kind}:${ref}`);
  }

  async #lookup(kind: Kind, ref: string, sql: SqlClient): Promise<Registered<TaskSpec | WorkflowSpec>> {
    const { name, version } = parseRef(ref);
    if (version !== undefined) {
      const hit = this.#cached(kind, `${name}@${version}`);
      if (hit) return hit;
      const found = await this.#read(sql, kind, name, version);
      if (found) return found;
    }
    const versions = sortVersions(
      (
        await sql.query<{ version: string }>(`SELECT version FROM ${tableOf[kind]} WHERE name = $1`, [name])
      ).map((r) => r.version),
    );
    const latest = versions[versions.length - 1];
    if (version === undefined && latest !== undefined) {
      const found = this.#cached(kind, `${name}@${latest}`) ?? (await this.#read(sql, kind, name, latest));
      if (found) return found;
    }
    if (versions.length > 0) {
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `${kind} ${ref} is not registered (known versions of ${name}: ${versions.join(', ')})`,
      );
    }
    const names = (
      await sql.query<{ name: string }>(`SELECT DISTINCT name FROM ${tableOf[kind]} ORDER BY name`)
    ).map((r) => r.name);
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `${kind} ${ref} is not registered (known ${kind}s: ${names.join(', ') || 'none'})`,
    );
  }

  async #read(
    sql: SqlClient,
    kind: Kind,
    name: string,
    version: string,
  ): Promise<Registered<TaskSpec | WorkflowSpec> | undefined> {
    const rows = await sql.query<SpecRow>(
      `SELECT name, version, digest, spec, created_at FROM ${tableOf[kind]} WHERE name = $1 AND version = $2`,
      [name, version],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const registered = { spec: row.spec, digest: row.digest, createdAt: row.created_at };
    this.#cache.set(`${kind}:${name}@${version}`, registered);
    return registered;
  }
}
