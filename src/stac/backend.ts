/**
 * @module stac/backend — the store behind the STAC API: items by collection, filtered on indexed columns and paged
 * by key. Only primitives; the API logic (exact `intersects`, links, tokens) is written against it.
 */
import type { DatetimeRange } from './datetime-range.ts';
import type { Bbox, StacItem } from './stac-types.ts';

/** The key items are ordered and paged by: collection, then id (binary order). */
export type ItemKey = { collection: string; id: string };

/** An item's key and a digest of its content (it changes whenever the item does), for caching served items. */
export type ItemHead = ItemKey & { etag: string };

/** A stored item and its digest. */
export type StoredItem = { item: StacItem; etag: string };

/** One query of the backend; every filter present must hold. */
export type StacItemQuery = {
  /** Collections to search, all when absent. */
  collections?: readonly string[];
  /** Item ids, any when absent. */
  ids?: readonly string[];
  /** Items whose bbox meets at least one of these boxes (west ≤ east in each). */
  bboxes?: readonly Bbox[];
  /** Items whose datetime, or start–end interval, meets this range. */
  datetime?: DatetimeRange;
  /** Items whose `mlm:tasks` include every one of these. */
  tasks?: readonly string[];
  /** Items whose `keywords` include every one of these. */
  keywords?: readonly string[];
  /** Only items after this key (the next page). */
  after?: ItemKey;
  /** Only the items right before this key (the previous page); exclusive with `after`. */
  before?: ItemKey;
  /** Most items to return. */
  limit: number;
};

/** What a collection's items span. */
export type CollectionSummary = {
  /** Number of items. */
  count: number;
  /** Union of the items' bboxes, absent when no item has one. */
  bbox?: Bbox;
  /** Earliest datetime or start_datetime. */
  start?: string;
  /** Latest datetime or end_datetime. */
  end?: string;
};

/** The store of published STAC items. */
export interface StacBackend {
  /**
   * Inserts or replaces an item, keyed by its `collection` and `id`.
   * @throws AppError INVALID_PARAMETER_VALUE when the item has no collection or id, or bad datetimes
   */
  upsertItem(item: StacItem): Promise<void>;
  /**
   * Inserts or replaces many items in one transaction (all or none).
   * @throws AppError as {@link StacBackend.upsertItem}
   */
  upsertItems(items: readonly StacItem[]): Promise<void>;
  /**
   * Deletes an item.
   * @returns true when it existed
   */
  deleteItem(collection: string, id: string): Promise<boolean>;
  /** One item, or undefined. */
  getItem(collection: string, id: string): Promise<StacItem | undefined>;
  /**
   * Items matching a query in key order (ascending, also for `before`), at most `limit`.
   * @throws AppError INVALID_PARAMETER_VALUE for a limit below 1
   */
  queryItems(query: StacItemQuery): Promise<StacItem[]>;
  /**
   * The keys and digests of the items {@link StacBackend.queryItems} would return (cheap: no item bodies).
   * @throws AppError INVALID_PARAMETER_VALUE for a limit below 1
   */
  queryItemHeads(query: StacItemQuery): Promise<ItemHead[]>;
  /** Items by key, with their digests, in no particular order; missing keys are left out. */
  getItemsByKey(keys: readonly ItemKey[]): Promise<StoredItem[]>;
  /** Count, spatial and temporal extent of a collection's items. */
  summarizeCollection(collection: string): Promise<CollectionSummary>;
  /**
   * A number that grows whenever items change: at once for this backend's own writes, and for writes of other
   * processes sharing the store when the store announces them. What a cache of search pages compares to know that
   * it is still current.
   */
  changeCount(): number;
}
