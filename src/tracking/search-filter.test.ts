import { describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { parseOrderBy, parseSearchFilter } from './search-filter.ts';
import { experimentSearchGrammar, runSearchGrammar } from './search-grammar.ts';

const runs = (filter: string) => parseSearchFilter(filter, runSearchGrammar);
const experiments = (filter: string) => parseSearchFilter(filter, experimentSearchGrammar);
const bad = async (parse: () => unknown) => failure(Promise.resolve().then(parse));

describe('parseSearchFilter (runs)', () => {
  it('reads metric, param, tag and attribute clauses joined by AND in any case', () => {
    expect(
      runs(
        "metrics.pixel_iou > 0.5 and params.model = 'unet-s' AND tags.`mlflow.runName` LIKE 'a%' And status = \"FINISHED\"",
      ),
    ).toEqual([
      { kind: 'number', entity: 'metric', key: 'pixel_iou', comparator: '>', value: 0.5 },
      { kind: 'string', entity: 'param', key: 'model', comparator: '=', value: 'unet-s' },
      { kind: 'string', entity: 'tag', key: 'mlflow.runName', comparator: 'LIKE', value: 'a%' },
      { kind: 'string', entity: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
    ]);
  });

  it('accepts every prefix spelling, quoted keys and keys with dots', () => {
    expect(runs('metric."f1 score" >= -1e-3')[0]).toMatchObject({
      entity: 'metric',
      key: 'f1 score',
      value: -0.001,
    });
    expect(runs("param.lr != '0.1'")[0]).toMatchObject({ entity: 'param', key: 'lr', comparator: '!=' });
    expect(runs("parameters.`x-y` ILIKE '%A%'")[0]).toMatchObject({
      entity: 'param',
      key: 'x-y',
      comparator: 'ILIKE',
    });
    expect(runs("tags.mlflow.user = 'ana'")[0]).toMatchObject({ entity: 'tag', key: 'mlflow.user' });
    expect(runs("`attributes`.run_id = 'abc'")[0]).toMatchObject({ entity: 'attribute', key: 'run_id' });
    expect(runs("run.status != 'FAILED'")[0]).toMatchObject({ entity: 'attribute', key: 'status' });
    expect(runs("attr.user_id = 'u'")[0]).toMatchObject({ entity: 'attribute', key: 'user_id' });
  });

  it('maps attribute aliases to their column and keeps numbers numeric', () => {
    expect(runs('attributes.created >= 1700000000000')).toEqual([
      { kind: 'number', entity: 'attribute', key: 'start_time', comparator: '>=', value: 1_700_000_000_000 },
    ]);
    expect(runs("attributes.`Run name` = 'x'")[0]).toMatchObject({ kind: 'string', key: 'run_name' });
    expect(runs('end_time < 5')[0]).toMatchObject({ kind: 'number', key: 'end_time', value: 5 });
  });

  it('reads IN and NOT IN lists of string attributes', () => {
    expect(runs("attributes.run_id IN ('a','b') and run_name NOT IN ('x')")).toEqual([
      { kind: 'list', entity: 'attribute', key: 'run_id', comparator: 'IN', values: ['a', 'b'] },
      { kind: 'list', entity: 'attribute', key: 'run_name', comparator: 'NOT IN', values: ['x'] },
    ]);
  });

  it("unescapes doubled quotes inside strings and reads ''", () => {
    expect(runs("params.q = 'it''s'")[0]).toMatchObject({ value: "it's" });
    expect(runs("tags.empty = ''")[0]).toMatchObject({ value: '' });
  });

  it('returns no clauses for an empty or blank filter', () => {
    expect(runs('')).toEqual([]);
    expect(parseSearchFilter(undefined, runSearchGrammar)).toEqual([]);
    expect(runs('   ')).toEqual([]);
  });

  it.each([
    ['metrics.x >', 'expected a number, found the end at character 12'],
    ["metrics.x > '1'", "expected a number, found '1' at character 13"],
    ['params.model = unet', "expected a quoted string (e.g. 'my-value'), found 'unet' at character 16"],
    ["params.a = 'x' or params.b = 'y'", 'OR is not supported, only AND at character 16'],
    ["params.a = 'x' params.b = 'y'", "expected AND, found 'params' at character 16"],
    [
      "metrics.x LIKE 'a'",
      "invalid comparator 'LIKE' for metrics.x (one of =, !=, <, <=, >, >=) at character 11",
    ],
    ['params.a > 1', "invalid comparator '>' for params.a (one of =, !=, LIKE, ILIKE) at character 10"],
    ["foo.bar = 'x'", "invalid entity type 'foo'"],
    ["colour = 'red'", "invalid attribute key 'colour'"],
    ["params.a = 'unterminated", "unterminated ' quote at character 12"],
    ['metrics.a # 1', 'unexpected character "#" at character 11'],
    ['tags.a IS NULL', 'IS NULL is not supported for tags.a at character 8'],
    ["status IN 'a'", "expected '(', found 'a' at character 11"],
    ["status IN ('a' 'b')", "expected ',' or ')', found 'b' at character 16"],
    ["start_time > 'x'", "expected a number, found 'x' at character 14"],
    ["params.a NOT LIKE 'x'", "expected IN after NOT, found 'LIKE' at character 14"],
  ])('refuses %s', async (filter, message) => {
    const error = await bad(() => runs(filter));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(`Invalid filter '${filter}'`);
    expect(error.message).toContain(message);
  });
});

describe('parseSearchFilter (experiments)', () => {
  it('reads name, numeric attributes, tags and tag presence', () => {
    expect(
      experiments(
        "name LIKE 'x%' and attributes.creation_time > 5 and tags.team = 'a' and tags.x IS NULL and tags.y is not null",
      ),
    ).toEqual([
      { kind: 'string', entity: 'attribute', key: 'name', comparator: 'LIKE', value: 'x%' },
      { kind: 'number', entity: 'attribute', key: 'creation_time', comparator: '>', value: 5 },
      { kind: 'string', entity: 'tag', key: 'team', comparator: '=', value: 'a' },
      { kind: 'presence', entity: 'tag', key: 'x', present: false },
      { kind: 'presence', entity: 'tag', key: 'y', present: true },
    ]);
  });

  it('refuses run entities and unknown attributes', async () => {
    expect((await bad(() => experiments('metrics.a > 1'))).message).toContain(
      "invalid entity type 'metrics'",
    );
    expect((await bad(() => experiments("status = 'x'"))).message).toContain(
      "invalid attribute key 'status'",
    );
  });
});

describe('parseOrderBy', () => {
  it('reads identifiers with an optional direction in any case', () => {
    expect(parseOrderBy('metrics.pixel_iou DESC', runSearchGrammar)).toEqual({
      entity: 'metric',
      key: 'pixel_iou',
      ascending: false,
    });
    expect(parseOrderBy('attributes.start_time', runSearchGrammar)).toEqual({
      entity: 'attribute',
      key: 'start_time',
      ascending: true,
    });
    expect(parseOrderBy('tags.`mlflow.runName` asc', runSearchGrammar)).toMatchObject({
      key: 'mlflow.runName',
    });
    expect(parseOrderBy('created desc', runSearchGrammar)).toMatchObject({
      key: 'start_time',
      ascending: false,
    });
    expect(parseOrderBy('name', experimentSearchGrammar)).toMatchObject({ key: 'name', ascending: true });
  });

  it('refuses trailing words, unknown attributes and entities the search cannot order by', async () => {
    expect((await bad(() => parseOrderBy('metrics.a DESC x', runSearchGrammar))).message).toBe(
      "Invalid order_by clause 'metrics.a DESC x': expected ASC, DESC or the end, found 'x' at character 16",
    );
    expect((await bad(() => parseOrderBy('colour', runSearchGrammar))).message).toContain(
      "invalid attribute key 'colour'",
    );
    expect((await bad(() => parseOrderBy('tags.a', experimentSearchGrammar))).message).toContain(
      'experiments cannot be ordered by tags',
    );
  });
});

describe('page tokens', () => {
  it('round-trip an offset as base64 JSON', () => {
    const token = encodePageToken(40);
    expect(JSON.parse(Buffer.from(token, 'base64').toString())).toEqual({ offset: 40 });
    expect(decodePageToken(token)).toBe(40);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it.each([
    ['not base64!', 'Invalid page token, could not base64-decode'],
    [Buffer.from('nope').toString('base64'), 'Invalid page token, decoded value=nope'],
    [Buffer.from('{"offset":-1}').toString('base64'), 'Invalid page token, parsed value={"offset":-1}'],
    [Buffer.from('{}').toString('base64'), 'Invalid page token, parsed value={}'],
  ])('refuses %s', async (token, message) => {
    expect(await bad(() => decodePageToken(token))).toEqual({ code: 'INVALID_PARAMETER_VALUE', message });
  });
});
