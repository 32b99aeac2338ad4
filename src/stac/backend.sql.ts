/**
 * @module stac/backend.sql — the STAC backend on the `Database` of db/ (PGlite or PostgreSQL): table `stac_items`
 * with the bbox as four numeric columns, the time range and the `mlm:tasks` / `keywords` arrays as indexed columns,
 * so searches never scan jsonb.
 */
import { createHash } from 'node:crypto';
import type { Database, SqlClient } from '../db/index.ts';
import { migrate } from '../db/index.ts';
import { invalid } from '../shared/index.ts';
import type {
  CollectionSummary,
  ItemHead,
  ItemKey,
  StacBackend,
  StacItemQuery,
  StoredItem,
} from './backend.ts';
import { STAC_ITEMS_CHANGED, stacMigrations } from './migrations.ts';
import { geometryBbox } from './search-geometry.ts';
import type { Bbox, StacItem } from './stac-types.ts';

type ItemRow = { item: StacItem };

/**
 * Opens the SQL backend: applies the `stac` migrations, listens for item changes announced by other processes,
 * then serves items from `stac_items`.
 * @param db - the open database
 * @returns the backend
 * @throws AppError from the migrations (CONFLICT for a newer database)
 * @example
 * const backend = await openSqlStacBackend(db);
 * await backend.upsertItem(localModelItem(input));
 */
export async function openSqlStacBackend(db: Database): Promise<StacBackend> {
  await migrate(db, 'stac', stacMigrations);
  const backend = new SqlStacBackend(db);
  await db.listen(STAC_ITEMS_CHANGED, () => backend.countChange());
  return backend;
}

class SqlStacBackend implements StacBackend {
  readonly #db: Database;
  #changes = 0;

  constructor(db: Database) {
    this.#db = db;
  }

  changeCount(): number {
    return this.#changes;
  }

  /** Counts a change; own writes count when they end (committed or not), before their notice arrives. */
  countChange(): void {
    this.#changes++;
  }

  async upsertItem(item: StacItem): Promise<void> {
    await this.#write(() => upsert(this.#db, item));
  }

  async upsertItems(items: readonly StacItem[]): Promise<void> {
    await this.#write(() =>
      this.#db.transaction(async (tx) => {
        for (const item of items) await upsert(tx, item);
      }),
    );
  }

  async deleteItem(collection: string, id: string): Promise<boolean> {
    const rows = await this.#write(() =>
      this.#db.query('DELETE FROM stac_items WHERE collection = $1 AND id = $2 RETURNING id', [
        collection,
        id,
      ]),
    );
    return rows.length > 0;
  }

  async #write<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.countChange();
    }
  }

  async getItem(collection: string, id: string): Promise<StacItem | undefined> {
    const rows = await this.#db.query<ItemRow>(
      'SELECT item FROM stac_items WHERE collection = $1 AND id = $2',
      [collection, id],
    );
    return rows[0]?.item;
  }

  async queryItems(query: StacItemQuery): Promise<StacItem[]> {
    return (await this.#select<ItemRow>('item', query)).map((r) => r.item);
  }

  async queryItemHeads(query: StacItemQuery): Promise<ItemHead[]> {
    return this.#select<ItemHead>('collection, id, etag', query);
  }

  async getItemsByKey(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    if (keys.length === 0) return [];
    return this.#db.query<StoredItem>(
      `SELECT item, etag FROM stac_items
       WHERE (collection, id) IN (SELECT k->>0, k->>1 FROM jsonb_array_elements($1::jsonb) AS k)`,
      [JSON.stringify(keys.map((k) => [k.collection, k.id]))],
    );
  }

  /** Runs a query in key order (ascending, also for `before`), selecting `columns`. */
  async #select<Row extends Record<string, unknown>>(columns: string, query: StacItemQuery): Promise<Row[]> {
    if (!Number.isInteger(query.limit) || query.limit < 1) invalid(`limit ${query.limit} must be at least 1`);
    const { where, params } = whereClause(query);
    const descending = query.before !== undefined;
    params.push(query.limit);
    const order = descending ? 'collection DESC, id DESC' : 'collection, id';
    const rows = await this.#db.query<Row>(
      `SELECT ${columns} FROM stac_items ${where} ORDER BY ${order} LIMIT $${params.length}`,
      params,
    );
    return descending ? rows.reverse() : rows;
  }

  async summarizeCollection(collection: string): Promise<CollectionSummary> {
    const rows = await this.#db.query<{
      count: number;
      min_x: number | null;
      min_y: number | null;
      max_x: number | null;
      max_y: number | null;
      start: Date | null;
      end: Date | null;
    }>(
      `SELECT count(*)::int AS count, min(min_x) AS min_x, min(min_y) AS min_y, max(max_x) AS max_x,
         max(max_y) AS max_y, min(start_datetime) AS start, max(end_datetime) AS "end"
       FROM stac_items WHERE collection = $1`,
      [collection],
    );
    const row = rows[0];
    const summary: CollectionSummary = { count: row?.count ?? 0 };
    if (row && row.min_x !== null && row.min_y !== null && row.max_x !== null && row.max_y !== null)
      summary.bbox = [row.min_x, row.min_y, row.max_x, row.max_y];
    if (row?.start) summary.start = row.start.toISOString();
    if (row?.end) summary.end = row.end.toISOString();
    return summary;
  }
}

/** Writes one item with its indexed columns. */
async function upsert(client: SqlClient, item: StacItem): Promise<void> {
  const collection = item.collection;
  if (collection === undefined || collection === '') invalid(`item ${item.id} has no collection`);
  if (item.id === '') invalid(`an item of ${collection} has an empty id`);
  const box = storedBbox(item);
  const times = timesOf(item);
  const text = JSON.stringify(item);
  await client.query(
    `INSERT INTO stac_items (collection, id, min_x, min_y, max_x, max_y, datetime, start_datetime, end_datetime,
       tasks, keywords, properties, item, etag, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9::timestamptz,
       $10::text[], $11::text[], $12::jsonb, $13::jsonb, $14, now())
     ON CONFLICT (collection, id) DO UPDATE SET min_x = EXCLUDED.min_x, min_y = EXCLUDED.min_y,
       max_x = EXCLUDED.max_x, max_y = EXCLUDED.max_y, datetime = EXCLUDED.datetime,
       start_datetime = EXCLUDED.start_datetime, end_datetime = EXCLUDED.end_datetime, tasks = EXCLUDED.tasks,
       keywords = EXCLUDED.keywords, properties = EXCLUDED.properties, item = EXCLUDED.item,
       etag = EXCLUDED.etag, updated_at = EXCLUDED.updated_at`,
    [
      collection,
      item.id,
      box?.[0] ?? null,
      box?.[1] ?? null,
      box?.[2] ?? null,
      box?.[3] ?? null,
      times.datetime,
      times.start,
      times.end,
      textArray(stringsOf(item.properties['mlm:tasks'])),
      textArray(stringsOf(item.properties['keywords']).map((k) => k.toLowerCase())),
      JSON.stringify(item.properties),
      text,
      createHash('sha256').update(text).digest('base64url').slice(0, 22),
    ],
  );
}

/**
 * Largest search box, in square degrees, answered from the GiST index of item boxes (`&&`, inclusive like the
 * comparisons). The planner has no statistics for `&&` and always expects few matches; a small box does have few,
 * so the index wins, while a large one matches most items and the key-ordered scan finds a page at once.
 */
const SMALL_BOX_DEG2 = 400;

/** WHERE clause and parameters of a query; values are always parameters, never SQL text. */
function whereClause(query: StacItemQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  // Arrays go as text literals cast in SQL (the same on both engines), so the planner sees their values and uses
  // the array statistics: an ARRAY(subquery) would hide them and make it sort every match of a common keyword.
  const array = (values: readonly string[]): string => `${param(textArray(values))}::text[]`;
  if (query.collections !== undefined) conditions.push(`collection = ANY(${array(query.collections)})`);
  if (query.ids !== undefined) conditions.push(`id = ANY(${array(query.ids)})`);
  if (query.bboxes !== undefined) {
    const boxes = query.bboxes.map(([w, s, e, n]) =>
      (e - w) * (n - s) <= SMALL_BOX_DEG2
        ? `box(point(min_x, min_y), point(max_x, max_y)) && box(point(${param(w)}, ${param(s)}), point(${param(e)}, ${param(n)}))`
        : `(max_x >= ${param(w)} AND min_x <= ${param(e)} AND max_y >= ${param(s)} AND min_y <= ${param(n)})`,
    );
    conditions.push(boxes.length === 0 ? 'false' : `(${boxes.join(' OR ')})`);
  }
  if (query.datetime?.start !== undefined)
    conditions.push(`end_datetime >= ${param(query.datetime.start)}::timestamptz`);
  if (query.datetime?.end !== undefined)
    conditions.push(`start_datetime <= ${param(query.datetime.end)}::timestamptz`);
  if (query.tasks !== undefined && query.tasks.length > 0) conditions.push(`tasks @> ${array(query.tasks)}`);
  if (query.keywords !== undefined && query.keywords.length > 0)
    conditions.push(`keywords @> ${array(query.keywords.map((k) => k.toLowerCase()))}`);
  if (query.after !== undefined)
    conditions.push(`(collection, id) > (${param(query.after.collection)}, ${param(query.after.id)})`);
  else if (query.before !== undefined)
    conditions.push(`(collection, id) < (${param(query.before.collection)}, ${param(query.before.id)})`);
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

/** The bbox stored for an item: its own, or its geometry's; a box across the antimeridian spans all longitudes. */
function storedBbox(item: StacItem): Bbox | undefined {
  let box: Bbox | undefined;
  const b = item.bbox;
  if (b !== undefined && (b.length === 4 || b.length === 6))
    box = (b.length === 4 ? [...b] : [b[0], b[1], b[3], b[4]]) as Bbox;
  else if (item.geometry !== null) box = geometryBbox(item.geometry);
  if (box === undefined) return undefined;
  if (!box.every(Number.isFinite)) invalid(`item ${item.id} has a bbox that is not four finite numbers`);
  if (box[0] > box[2]) return [-180, box[1], 180, box[3]];
  return box;
}

function timesOf(item: StacItem): { datetime: string | null; start: string | null; end: string | null } {
  const p = item.properties;
  const time = (key: string): string | null => {
    const value = p[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      invalid(`item ${item.id} has a ${key} that is not an RFC 3339 time`);
    return value;
  };
  const datetime = time('datetime');
  return { datetime, start: time('start_datetime') ?? datetime, end: time('end_datetime') ?? datetime };
}

/** A PostgreSQL array literal of texts (`{"a","b"}`), every element quoted and escaped. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
