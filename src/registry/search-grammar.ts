/**
 * @module registry/search-grammar — what MLflow's registry searches may name, in the grammar format of the tracking
 * domain's filter parser: registered models filter on `name` and `tags.<key>`; model versions on `name`, `run_id`,
 * `source_path`, `version_number` and `tags.<key>`.
 */
import type { SearchGrammar } from '../tracking/index.ts';

const tagAndAttributePrefixes = {
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
} as const;

/** The grammar of `registered-models/search`. */
export const registeredModelGrammar: SearchGrammar = {
  subject: 'registered models',
  prefixes: tagAndAttributePrefixes,
  attributes: { name: { key: 'name', type: 'string' } },
  orderAttributes: {
    name: 'name',
    timestamp: 'last_updated_timestamp',
    last_updated_timestamp: 'last_updated_timestamp',
    creation_timestamp: 'creation_timestamp',
  },
  orderEntities: ['attribute'],
  tagPresence: false,
};

/** The grammar of `model-versions/search`. */
export const modelVersionGrammar: SearchGrammar = {
  subject: 'model versions',
  prefixes: tagAndAttributePrefixes,
  attributes: {
    name: { key: 'name', type: 'string' },
    run_id: { key: 'run_id', type: 'string' },
    source_path: { key: 'source', type: 'string' },
    version_number: { key: 'version', type: 'number' },
  },
  orderAttributes: {
    name: 'name',
    version_number: 'version',
    creation_timestamp: 'creation_timestamp',
    timestamp: 'last_updated_timestamp',
    last_updated_timestamp: 'last_updated_timestamp',
    current_stage: 'current_stage',
    run_id: 'run_id',
  },
  orderEntities: ['attribute'],
  tagPresence: false,
};
