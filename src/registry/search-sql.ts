/**
 * @module registry/search-sql — parsed registry filter and order_by clauses → SQL conditions and ORDER BY over
 * `registry_models m` and `registry_versions v`; values always travel as `$n` parameters, never inside the SQL.
 */
import { AppError } from '../shared/index.ts';
import type { FilterClause, OrderByClause } from '../tracking/index.ts';

/** The growing parameter list of one statement. */
export class SqlParams {
  readonly values: unknown[] = [];

  /**
   * Adds a value.
   * @param value - the parameter
   * @returns its placeholder (`$n`)
   */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** What a search runs over: registered models (`m`) or model versions (`v` joined with their model `m`). */
export type SearchTarget = 'model' | 'version';

const columns: Record<SearchTarget, Readonly<Record<string, string>>> = {
  model: {
    name: 'm.name',
    last_updated_timestamp: 'm.last_updated_timestamp',
    creation_timestamp: 'm.creation_timestamp',
  },
  version: {
    name: 'm.name',
    run_id: 'v.run_id',
    source: 'v.source',
    version: 'v.version',
    creation_timestamp: 'v.creation_timestamp',
    last_updated_timestamp: 'v.last_updated_timestamp',
    current_stage: 'v.current_stage',
  },
};

const textColumns = new Set(['m.name', 'v.run_id', 'v.source', 'v.current_stage']);

const sqlComparator: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  LIKE: 'LIKE',
  ILIKE: 'ILIKE',
};

/**
 * SQL conditions (to AND together) for parsed filter clauses.
 * @param clauses - from `parseSearchFilter(filter, registeredModelGrammar | modelVersionGrammar)`
 * @param params - the statement's parameters
 * @param target - models or versions
 * @returns one condition per clause
 */
export function filterSql(
  clauses: readonly FilterClause[],
  params: SqlParams,
  target: SearchTarget,
): string[] {
  return clauses.map((clause) => {
    if (clause.entity === 'tag') return tagCondition(clause, params, target);
    const column = columnOf(target, clause.key);
    if (clause.kind === 'list') {
      const list = clause.values.map((v) => params.add(v)).join(', ');
      return `${column} ${clause.comparator} (${list})`;
    }
    return `${column} ${sqlComparator[clause.comparator] ?? '='} ${params.add(clause.value)}`;
  });
}

function tagCondition(clause: FilterClause, params: SqlParams, target: SearchTarget): string {
  const owner =
    target === 'model'
      ? 'FROM registry_model_tags t WHERE t.model_id = m.model_id'
      : 'FROM registry_version_tags t WHERE t.model_id = v.model_id AND t.version = v.version';
  const key = params.add(clause.key);
  if (clause.kind === 'presence')
    return `${clause.present ? '' : 'NOT '}EXISTS (SELECT 1 ${owner} AND t.key = ${key})`;
  if (clause.kind === 'list') {
    const list = clause.values.map((v) => params.add(v)).join(', ');
    return `EXISTS (SELECT 1 ${owner} AND t.key = ${key} AND t.value ${clause.comparator} (${list}))`;
  }
  const value = params.add(clause.kind === 'number' ? String(clause.value) : clause.value);
  return `EXISTS (SELECT 1 ${owner} AND t.key = ${key} AND t.value ${sqlComparator[clause.comparator] ?? '='} ${value})`;
}

/**
 * ORDER BY for parsed order_by clauses, followed by MLflow's tiebreaks: models by name; versions by last update
 * (newest first), name, then version (highest first). Text sorts bytewise so both engines agree.
 * @param orderBy - from `parseOrderBy`
 * @param target - models or versions
 * @returns the ORDER BY list (without the keywords)
 */
export function orderSql(orderBy: readonly OrderByClause[], target: SearchTarget): string {
  const terms = orderBy.map((o) => {
    const column = columnOf(target, o.key);
    const collate = textColumns.has(column) ? ' COLLATE "C"' : '';
    return `${column}${collate} ${o.ascending ? 'ASC' : 'DESC'} NULLS LAST`;
  });
  if (target === 'model') terms.push('m.name COLLATE "C" ASC');
  else terms.push('v.last_updated_timestamp DESC', 'm.name COLLATE "C" ASC', 'v.version DESC');
  return terms.join(', ');
}

function columnOf(target: SearchTarget, key: string): string {
  const column = columns[target][key];
  if (column === undefined)
    throw new AppError('INTERNAL_ERROR', `registry search has no column for attribute ${key}`);
  return column;
}
