/**
 * @module tracking/search-sql — compiles parsed search filters and order_by clauses to SQL conditions and ORDER BY
 * lists. Every value travels as a `$n` parameter; only fixed column names and operators are written into the SQL.
 */
import { AppError } from '../shared/index.ts';
import type { ViewType } from './entities.ts';
import type { FilterClause, OrderByClause } from './search-grammar.ts';

/** Collects query parameters and hands out their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];

  /**
   * Adds a value.
   * @param value - the parameter
   * @returns its placeholder (`$3`)
   */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /**
   * Adds several values.
   * @param values - the parameters
   * @returns their placeholders, comma-separated (`$3, $4`)
   */
  list(values: readonly unknown[]): string {
    return values.map((v) => this.add(v)).join(', ');
  }
}

const sqlOperator: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  LIKE: 'LIKE',
  ILIKE: 'ILIKE',
};

/** Run attributes and their columns (alias `r`). */
const runColumns: Readonly<Record<string, string>> = {
  run_id: 'r.run_id',
  run_name: 'r.run_name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/** Experiment attributes and their columns (alias `e`). */
const experimentColumns: Readonly<Record<string, string>> = {
  experiment_id: 'e.experiment_id',
  name: 'e.name',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

const textColumns = new Set(['r.run_id', 'r.run_name', 'r.status', 'r.user_id', 'r.artifact_uri', 'e.name']);

/** Child tables of runs, by entity. */
const runChildTables = {
  metric: 'tracking_latest_metrics',
  param: 'tracking_params',
  tag: 'tracking_run_tags',
};

/**
 * The condition of a lifecycle view on a table alias.
 * @param alias - `r` or `e`
 * @param view - the view type
 * @returns a SQL condition (`TRUE` for ALL)
 */
export function viewCondition(alias: 'r' | 'e', view: ViewType): string {
  if (view === 'ALL') return 'TRUE';
  return `${alias}.lifecycle_stage = '${view === 'ACTIVE_ONLY' ? 'active' : 'deleted'}'`;
}

/**
 * SQL conditions (to AND together) for run filter clauses, on the run alias `r`.
 * @param clauses - parsed with `runSearchGrammar`
 * @param params - receives the values
 * @returns one condition per clause
 */
export function runFilterSql(clauses: readonly FilterClause[], params: SqlParams): string[] {
  return clauses.map((clause) => {
    if (clause.entity === 'attribute')
      return attributeCondition(clause, column(runColumns, clause.key), params);
    if (clause.kind === 'presence') return presence(runChildTables.tag, 'run_id', 'r.run_id', clause, params);
    const table = runChildTables[clause.entity];
    const key = params.add(clause.key);
    const value = params.add(clause.value);
    const op = operator(clause.comparator);
    // NaN sorts above every number in PostgreSQL; MLflow never matches it with an ordering comparison.
    const nan =
      clause.entity === 'metric' && clause.comparator !== '!=' ? ` AND c.value <> 'NaN'::float8` : '';
    const cast = clause.entity === 'metric' ? '::float8' : '';
    return `EXISTS (SELECT 1 FROM ${table} c WHERE c.run_id = r.run_id AND c.key = ${key} AND c.value ${op} ${value}${cast}${nan})`;
  });
}

/**
 * SQL conditions for experiment filter clauses, on the experiment alias `e`.
 * @param clauses - parsed with `experimentSearchGrammar`
 * @param params - receives the values
 * @returns one condition per clause
 */
export function experimentFilterSql(clauses: readonly FilterClause[], params: SqlParams): string[] {
  return clauses.map((clause) => {
    if (clause.entity === 'attribute')
      return attributeCondition(clause, column(experimentColumns, clause.key), params);
    if (clause.kind === 'presence') {
      return presence('tracking_experiment_tags', 'experiment_id', 'e.experiment_id', clause, params);
    }
    if (clause.entity !== 'tag' || clause.kind !== 'string') throw unsupported(clause.entity);
    const key = params.add(clause.key);
    const value = params.add(clause.value);
    return `EXISTS (SELECT 1 FROM tracking_experiment_tags c WHERE c.experiment_id = e.experiment_id AND c.key = ${key} AND c.value ${operator(clause.comparator)} ${value})`;
  });
}

/**
 * The ORDER BY list of a run search: the requested clauses (missing values last, NaN metrics just before them),
 * then MLflow's tiebreak: start time descending, then run id.
 * @param orderBy - parsed with `runSearchGrammar`
 * @param params - receives metric, param and tag keys
 * @returns the list, without the ORDER BY keyword
 */
export function runOrderSql(orderBy: readonly OrderByClause[], params: SqlParams): string {
  const terms = orderBy.flatMap((clause) => {
    const direction = clause.ascending ? 'ASC' : 'DESC';
    if (clause.entity === 'attribute') return orderTerms(column(runColumns, clause.key), direction);
    const value = `(SELECT c.value FROM ${runChildTables[clause.entity]} c WHERE c.run_id = r.run_id AND c.key = ${params.add(clause.key)})`;
    if (clause.entity !== 'metric') return [`${value} IS NULL`, `${value} COLLATE "C" ${direction}`];
    return [
      `CASE WHEN ${value} IS NULL THEN 2 WHEN ${value} = 'NaN'::float8 THEN 1 ELSE 0 END`,
      `${value} ${direction}`,
    ];
  });
  return [...terms, 'r.start_time DESC', 'r.run_id COLLATE "C" ASC'].join(', ');
}

/**
 * The ORDER BY list of an experiment search: the requested clauses (creation time descending when none), then
 * experiment id descending as the tiebreak (MLflow's).
 * @param orderBy - parsed with `experimentSearchGrammar`
 * @returns the list, without the ORDER BY keyword
 */
export function experimentOrderSql(orderBy: readonly OrderByClause[]): string {
  const clauses: readonly OrderByClause[] =
    orderBy.length > 0 ? orderBy : [{ entity: 'attribute', key: 'creation_time', ascending: false }];
  const terms = clauses.flatMap((clause) => {
    if (clause.entity !== 'attribute') throw unsupported(clause.entity);
    return orderTerms(column(experimentColumns, clause.key), clause.ascending ? 'ASC' : 'DESC');
  });
  if (!clauses.some((c) => c.key === 'experiment_id')) terms.push('e.experiment_id DESC');
  return terms.join(', ');
}

function attributeCondition(clause: FilterClause, col: string, params: SqlParams): string {
  if (clause.kind === 'list') {
    return `${col} ${clause.comparator === 'IN' ? 'IN' : 'NOT IN'} (${params.list(clause.values)})`;
  }
  if (clause.kind === 'number')
    return `${col} ${operator(clause.comparator)} ${params.add(clause.value)}::float8`;
  if (clause.kind === 'string') return `${col} ${operator(clause.comparator)} ${params.add(clause.value)}`;
  throw unsupported(clause.entity);
}

function presence(
  table: string,
  idColumn: string,
  outer: string,
  clause: { key: string; present: boolean },
  params: SqlParams,
): string {
  const exists = `EXISTS (SELECT 1 FROM ${table} c WHERE c.${idColumn} = ${outer} AND c.key = ${params.add(clause.key)})`;
  return clause.present ? exists : `NOT ${exists}`;
}

function orderTerms(col: string, direction: 'ASC' | 'DESC'): string[] {
  const sorted = textColumns.has(col) ? `${col} COLLATE "C"` : col;
  return col === 'r.end_time' ? [`${col} IS NULL`, `${sorted} ${direction}`] : [`${sorted} ${direction}`];
}

function column(columns: Readonly<Record<string, string>>, key: string): string {
  const col = columns[key];
  if (col === undefined) throw new AppError('INTERNAL_ERROR', `no column for search attribute ${key}`);
  return col;
}

function operator(comparator: string): string {
  const op = sqlOperator[comparator];
  if (op === undefined) throw new AppError('INTERNAL_ERROR', `no SQL operator for comparator ${comparator}`);
  return op;
}

function unsupported(entity: string): AppError {
  return new AppError('INTERNAL_ERROR', `experiment searches have no ${entity} clauses`);
}
