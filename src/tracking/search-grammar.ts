/**
 * @module tracking/search-grammar — what MLflow's search filters and order_by clauses may name, for runs and for
 * experiments, and the parsed clause types the SQL store compiles.
 */

/** What a clause compares: a metric's latest value, a param, a tag, or an attribute of the run or experiment. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute';

/** Comparators of numbers (metrics and numeric attributes). */
export type NumberComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** Comparators of strings (params, tags, string attributes). */
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';

/** One AND-ed clause; `key` of an attribute is its canonical name (`created` → `start_time`). */
export type FilterClause =
  | {
      kind: 'number';
      entity: 'metric' | 'attribute';
      key: string;
      comparator: NumberComparator;
      value: number;
    }
  | {
      kind: 'string';
      entity: 'param' | 'tag' | 'attribute';
      key: string;
      comparator: StringComparator;
      value: string;
    }
  | { kind: 'list'; entity: 'attribute'; key: string; comparator: 'IN' | 'NOT IN'; values: string[] }
  | { kind: 'presence'; entity: 'tag'; key: string; present: boolean };

/** One order_by clause. */
export type OrderByClause = { entity: FilterEntity; key: string; ascending: boolean };

/** The entities, attributes and comparators one kind of search accepts. */
export type SearchGrammar = {
  /** What the searched things are called in messages (`runs`, `experiments`). */
  subject: string;
  /** Prefix words (`metrics`, `tag`, …) and the entity each names. */
  prefixes: Readonly<Record<string, FilterEntity>>;
  /** Filterable attributes: accepted name → canonical name and type. */
  attributes: Readonly<Record<string, { key: string; type: 'number' | 'string' }>>;
  /** Attributes order_by accepts: accepted name → canonical name. */
  orderAttributes: Readonly<Record<string, string>>;
  /** Entities order_by accepts. */
  orderEntities: readonly FilterEntity[];
  /** Whether `tags.x IS NULL` / `IS NOT NULL` are allowed (MLflow: experiments only). */
  tagPresence: boolean;
};

/** The grammar of `runs/search`. */
export const runSearchGrammar: SearchGrammar = {
  subject: 'runs',
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    parameter: 'param',
    parameters: 'param',
    param: 'param',
    params: 'param',
    tag: 'tag',
    tags: 'tag',
    attribute: 'attribute',
    attributes: 'attribute',
    attr: 'attribute',
    run: 'attribute',
  },
  attributes: {
    run_id: { key: 'run_id', type: 'string' },
    run_name: { key: 'run_name', type: 'string' },
    'run name': { key: 'run_name', type: 'string' },
    'Run name': { key: 'run_name', type: 'string' },
    'Run Name': { key: 'run_name', type: 'string' },
    status: { key: 'status', type: 'string' },
    user_id: { key: 'user_id', type: 'string' },
    artifact_uri: { key: 'artifact_uri', type: 'string' },
    start_time: { key: 'start_time', type: 'number' },
    end_time: { key: 'end_time', type: 'number' },
    created: { key: 'start_time', type: 'number' },
    Created: { key: 'start_time', type: 'number' },
  },
  orderAttributes: {
    run_id: 'run_id',
    run_name: 'run_name',
    'run name': 'run_name',
    'Run name': 'run_name',
    'Run Name': 'run_name',
    status: 'status',
    user_id: 'user_id',
    artifact_uri: 'artifact_uri',
    start_time: 'start_time',
    end_time: 'end_time',
    created: 'start_time',
    Created: 'start_time',
  },
  orderEntities: ['metric', 'param', 'tag', 'attribute'],
  tagPresence: false,
};

/** The grammar of `experiments/search`. */
export const experimentSearchGrammar: SearchGrammar = {
  subject: 'experiments',
  prefixes: { tag: 'tag', tags: 'tag', attribute: 'attribute', attributes: 'attribute', attr: 'attribute' },
  attributes: {
    name: { key: 'name', type: 'string' },
    creation_time: { key: 'creation_time', type: 'number' },
    last_update_time: { key: 'last_update_time', type: 'number' },
  },
  orderAttributes: {
    name: 'name',
    experiment_id: 'experiment_id',
    creation_time: 'creation_time',
    last_update_time: 'last_update_time',
  },
  orderEntities: ['attribute'],
  tagPresence: true,
};
