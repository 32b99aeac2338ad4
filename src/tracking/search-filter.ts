/**
 * @module tracking/search-filter — the parser of MLflow's search filters (`metrics.iou > 0.5 and params.model =
 * 'unet-s'`) and order_by clauses; runs and experiments share it and differ in their grammar (`search-grammar.ts`).
 */
import { invalid } from '../shared/index.ts';
import { FilterSyntaxError, tokenizeFilter } from './filter-tokens.ts';
import type { Token } from './filter-tokens.ts';
import type {
  FilterClause,
  FilterEntity,
  NumberComparator,
  OrderByClause,
  SearchGrammar,
  StringComparator,
} from './search-grammar.ts';

const numberComparators: readonly string[] = ['=', '!=', '<', '<=', '>', '>='];
const stringComparators: readonly string[] = ['=', '!=', 'LIKE', 'ILIKE'];

/**
 * Parses a search filter: clauses joined by AND (any case); OR and parentheses around clauses are not MLflow's.
 * @param filter - the filter string; empty or blank for none
 * @param grammar - `runSearchGrammar` or `experimentSearchGrammar`
 * @returns the clauses, in order
 * @throws AppError INVALID_PARAMETER_VALUE quoting the filter and naming the problem and its character position
 * @example
 * parseSearchFilter("metrics.pixel_iou > 0.5 and params.model = 'unet-s'", runSearchGrammar);
 */
export function parseSearchFilter(filter: string | undefined, grammar: SearchGrammar): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  return withPosition('filter', filter, () => {
    const cursor = new Cursor(tokenizeFilter(filter));
    const clauses = [parseClause(cursor, grammar)];
    while (cursor.peek().kind !== 'end') {
      const next = cursor.next();
      if (isWord(next, 'OR')) throw new FilterSyntaxError('OR is not supported, only AND', next.pos);
      if (!isWord(next, 'AND'))
        throw new FilterSyntaxError(`expected AND, found ${describe(next)}`, next.pos);
      clauses.push(parseClause(cursor, grammar));
    }
    return clauses;
  });
}

/**
 * Parses one order_by clause: an identifier, optionally followed by ASC or DESC (any case; ASC by default).
 * @param clause - e.g. `metrics.pixel_iou DESC`, `attributes.start_time`, ``tags.`mlflow.runName` ``
 * @param grammar - `runSearchGrammar` or `experimentSearchGrammar`
 * @returns the parsed clause
 * @throws AppError INVALID_PARAMETER_VALUE quoting the clause and naming the problem and its position
 */
export function parseOrderBy(clause: string, grammar: SearchGrammar): OrderByClause {
  return withPosition('order_by clause', clause, () => {
    const cursor = new Cursor(tokenizeFilter(clause));
    const start = cursor.peek();
    const { entity, key } = parseIdentifier(cursor, grammar);
    let ascending = true;
    const direction = cursor.peek();
    if (isWord(direction, 'ASC') || isWord(direction, 'DESC')) {
      ascending = isWord(cursor.next(), 'ASC');
    }
    const end = cursor.next();
    if (end.kind !== 'end')
      throw new FilterSyntaxError(`expected ASC, DESC or the end, found ${describe(end)}`, end.pos);
    if (!grammar.orderEntities.includes(entity)) {
      throw new FilterSyntaxError(`${grammar.subject} cannot be ordered by ${entityWord(entity)}`, start.pos);
    }
    if (entity !== 'attribute') return { entity, key, ascending };
    const canonical = grammar.orderAttributes[key];
    if (canonical === undefined) {
      throw new FilterSyntaxError(
        `invalid attribute key '${key}'; ${grammar.subject} order by ${Object.keys(grammar.orderAttributes).join(', ')}`,
        start.pos,
      );
    }
    return { entity, key: canonical, ascending };
  });
}

/** Runs a parse, turning a FilterSyntaxError into the one-line AppError. */
function withPosition<T>(what: string, source: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    return invalid(`Invalid ${what} '${source}': ${error.message} at character ${error.pos + 1}`, {
      [what === 'filter' ? 'filter' : 'order_by']: source,
      position: error.pos,
    });
  }
}

class Cursor {
  readonly #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  peek(): Token {
    return this.#tokens[this.#at] ?? this.#last();
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.#at++;
    return token;
  }

  #last(): Token {
    const last = this.#tokens.at(-1);
    if (last === undefined) throw new FilterSyntaxError('empty', 0);
    return last;
  }
}

function parseClause(cursor: Cursor, grammar: SearchGrammar): FilterClause {
  const start = cursor.peek();
  const { entity, key } = parseIdentifier(cursor, grammar);
  const comparator = parseComparator(cursor);
  if (comparator.text === 'IS NULL' || comparator.text === 'IS NOT NULL') {
    if (entity !== 'tag' || !grammar.tagPresence) {
      throw new FilterSyntaxError(
        `${comparator.text} is not supported for ${describeKey(entity, key)}`,
        comparator.pos,
      );
    }
    return { kind: 'presence', entity, key, present: comparator.text === 'IS NOT NULL' };
  }
  if (entity === 'attribute') return attributeClause(cursor, grammar, key, comparator, start.pos);
  if (entity === 'metric') {
    checkComparator(comparator, numberComparators, entity, key);
    return {
      kind: 'number',
      entity,
      key,
      comparator: comparator.text as NumberComparator,
      value: numberValue(cursor),
    };
  }
  checkComparator(comparator, stringComparators, entity, key);
  return {
    kind: 'string',
    entity,
    key,
    comparator: comparator.text as StringComparator,
    value: stringValue(cursor),
  };
}

function attributeClause(
  cursor: Cursor,
  grammar: SearchGrammar,
  name: string,
  comparator: { text: string; pos: number },
  pos: number,
): FilterClause {
  const attribute = grammar.attributes[name];
  if (attribute === undefined) {
    throw new FilterSyntaxError(
      `invalid attribute key '${name}'; valid keys are ${Object.keys(grammar.attributes).join(', ')}`,
      pos,
    );
  }
  const { key, type } = attribute;
  if (type === 'number') {
    checkComparator(comparator, numberComparators, 'attribute', name);
    const value = numberValue(cursor);
    return {
      kind: 'number',
      entity: 'attribute',
      key,
      comparator: comparator.text as NumberComparator,
      value,
    };
  }
  if (comparator.text === 'IN' || comparator.text === 'NOT IN') {
    return { kind: 'list', entity: 'attribute', key, comparator: comparator.text, values: listValue(cursor) };
  }
  checkComparator(comparator, stringComparators, 'attribute', name);
  const value = stringValue(cursor);
  return { kind: 'string', entity: 'attribute', key, comparator: comparator.text as StringComparator, value };
}

/** `prefix.key`, `key` (an attribute), with backquoted or double-quoted parts; the key keeps inner dots. */
function parseIdentifier(cursor: Cursor, grammar: SearchGrammar): { entity: FilterEntity; key: string } {
  const parts = [identifierPart(cursor)];
  while (cursor.peek().kind === 'dot') {
    cursor.next();
    parts.push(identifierPart(cursor));
  }
  const [first, ...rest] = parts;
  if (first === undefined) throw new FilterSyntaxError('expected an identifier', cursor.peek().pos);
  if (rest.length === 0) return { entity: 'attribute', key: first.text };
  const entity = grammar.prefixes[first.text];
  if (entity === undefined) {
    const valid = [...new Set(Object.keys(grammar.prefixes))].join(', ');
    throw new FilterSyntaxError(`invalid entity type '${first.text}' (valid: ${valid})`, first.pos);
  }
  return { entity, key: rest.map((p) => p.text).join('.') };
}

function identifierPart(cursor: Cursor): { text: string; pos: number } {
  const token = cursor.next();
  if (token.kind === 'word' || token.kind === 'backquoted') return token;
  if (token.kind === 'string' && token.quote === '"') return token;
  throw new FilterSyntaxError(`expected an identifier, found ${describe(token)}`, token.pos);
}

function parseComparator(cursor: Cursor): { text: string; pos: number } {
  const token = cursor.next();
  if (token.kind === 'op') return token;
  if (isWord(token, 'LIKE') || isWord(token, 'ILIKE') || isWord(token, 'IN')) {
    return { text: token.text.toUpperCase(), pos: token.pos };
  }
  if (isWord(token, 'NOT')) {
    const after = cursor.next();
    if (isWord(after, 'IN')) return { text: 'NOT IN', pos: token.pos };
    throw new FilterSyntaxError(`expected IN after NOT, found ${describe(after)}`, after.pos);
  }
  if (isWord(token, 'IS')) {
    let after = cursor.next();
    const negated = isWord(after, 'NOT');
    if (negated) after = cursor.next();
    if (isWord(after, 'NULL')) return { text: negated ? 'IS NOT NULL' : 'IS NULL', pos: token.pos };
    throw new FilterSyntaxError(`expected NULL, found ${describe(after)}`, after.pos);
  }
  throw new FilterSyntaxError(`expected a comparison operator, found ${describe(token)}`, token.pos);
}

function checkComparator(
  comparator: { text: string; pos: number },
  allowed: readonly string[],
  entity: FilterEntity,
  key: string,
): void {
  if (!allowed.includes(comparator.text)) {
    throw new FilterSyntaxError(
      `invalid comparator '${comparator.text}' for ${describeKey(entity, key)} (one of ${allowed.join(', ')})`,
      comparator.pos,
    );
  }
}

function numberValue(cursor: Cursor): number {
  const token = cursor.next();
  if (token.kind !== 'number')
    throw new FilterSyntaxError(`expected a number, found ${describe(token)}`, token.pos);
  return token.value;
}

function stringValue(cursor: Cursor): string {
  const token = cursor.next();
  if (token.kind !== 'string') {
    throw new FilterSyntaxError(
      `expected a quoted string (e.g. 'my-value'), found ${describe(token)}`,
      token.pos,
    );
  }
  return token.text;
}

function listValue(cursor: Cursor): string[] {
  const open = cursor.next();
  if (open.kind !== 'lparen') throw new FilterSyntaxError(`expected '(', found ${describe(open)}`, open.pos);
  const values = [stringValue(cursor)];
  for (;;) {
    const token = cursor.next();
    if (token.kind === 'rparen') return values;
    if (token.kind !== 'comma')
      throw new FilterSyntaxError(`expected ',' or ')', found ${describe(token)}`, token.pos);
    values.push(stringValue(cursor));
  }
}

function isWord(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toUpperCase() === keyword;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end';
  if (token.kind === 'string') return `${token.quote}${token.text}${token.quote}`;
  if (token.kind === 'backquoted') return `\`${token.text}\``;
  return `'${token.text}'`;
}

function describeKey(entity: FilterEntity, key: string): string {
  return `${entityWord(entity)}.${key}`;
}

function entityWord(entity: FilterEntity): string {
  return { metric: 'metrics', param: 'params', tag: 'tags', attribute: 'attributes' }[entity];
}
