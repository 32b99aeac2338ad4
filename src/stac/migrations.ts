/** @module stac/migrations — the `stac_items` table (domain `stac`); never edit an applied one, add another. */
import type { Migration } from '../db/index.ts';

const items = `
CREATE TABLE stac_items (
  collection text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  min_x double precision,
  min_y double precision,
  max_x double precision,
  max_y double precision,
  datetime timestamptz,
  start_datetime timestamptz,
  end_datetime timestamptz,
  tasks text[] NOT NULL DEFAULT '{}',
  keywords text[] NOT NULL DEFAULT '{}',
  properties jsonb NOT NULL,
  item jsonb NOT NULL,
  etag text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, id)
);
CREATE INDEX stac_items_id ON stac_items (id);
CREATE INDEX stac_items_x ON stac_items (min_x, max_x);
CREATE INDEX stac_items_y ON stac_items (min_y, max_y);
CREATE INDEX stac_items_start ON stac_items (start_datetime);
CREATE INDEX stac_items_end ON stac_items (end_datetime);
CREATE INDEX stac_items_tasks ON stac_items USING gin (tasks);
CREATE INDEX stac_items_keywords ON stac_items USING gin (keywords);
`;

/**
 * A GiST index over each item's bbox as a core `box` (no PostGIS needed, the same on PGlite): a search in a small
 * area reads its few matches from it instead of walking the key order past every item elsewhere.
 */
const bboxIndex = `
CREATE INDEX stac_items_box ON stac_items USING gist (box(point(min_x, min_y), point(max_x, max_y)));
`;

/**
 * Every statement that changes `stac_items`, from any process or tool, announces it on channel
 * {@link STAC_ITEMS_CHANGED} (at commit; PostgreSQL folds the repeats of one transaction into one), so servers
 * sharing the database drop their cached search pages.
 */
const changeNotice = `
CREATE FUNCTION stac_items_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stac_items_changed', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER stac_items_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stac_items
  FOR EACH STATEMENT EXECUTE FUNCTION stac_items_changed();
`;

/** The channel on which changes of `stac_items` are announced. */
export const STAC_ITEMS_CHANGED = 'stac_items_changed';

/** Every migration of the `stac` domain, in order. */
export const stacMigrations: readonly Migration[] = [
  { id: '0001-stac-items', sql: items },
  { id: '0002-stac-items-box', sql: bboxIndex },
  { id: '0003-stac-items-changed', sql: changeNotice },
];
