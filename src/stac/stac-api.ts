/**
 * @module stac/stac-api — the STAC API's logic over a `StacBackend`: landing page, conformance, collections with
 * their extents, items and the item search with keyset paging (`next`/`prev` links with tokens) and the exact
 * `intersects` test. Pure request → JSON functions; the endpoint table binds them to paths.
 */
import { AppError } from '../shared/index.ts';
import type { ItemKey, StacBackend, StacItemQuery } from './backend.ts';
import { ByteCache } from './byte-cache.ts';
import { DEFAULT_EXTENT, fairCatalog, fairCollection, isCollectionId } from './catalog.ts';
import { stacUrls, withApiLinks } from './item-links.ts';
import { encodePageToken } from './page-token.ts';
import { geometriesIntersect, geometryBbox } from './search-geometry.ts';
import { searchToBody, searchToQueryString } from './search-request.ts';
import type { SearchLimits, SearchScope, StacSearch } from './search-request.ts';
import { COLLECTION_IDS, CONFORMANCE_CLASSES, MediaTypes } from './stac-constants.ts';
import type { CollectionId } from './stac-constants.ts';
import type {
  Bbox,
  StacCatalog,
  StacCollection,
  StacItem,
  StacItemCollection,
  StacLink,
} from './stac-types.ts';

/** Options of the STAC API. */
export type StacApiOptions = {
  /** Public URL of the STAC API root, e.g. `http://localhost:8080/stac`; every link starts with it. */
  baseUrl: string;
  /** URL of the OpenAPI document (a `service-desc` link on the landing page), when the server has one. */
  serviceDescUrl?: string;
  /** Page size and `intersects` limits, default {@link StacLimits} of stac-constants. */
  limits?: Partial<SearchLimits>;
};

/** The landing page: the catalog with `conformsTo`. */
export type StacLandingPage = StacCatalog & { conformsTo: string[] };

/** The body of `/collections`. */
export type StacCollectionList = { collections: StacCollection[]; links: StacLink[] };

/**
 * The landing page (`/stac`): catalog `fair-models`, conformance classes, links to conformance, collections,
 * search (GET and POST), each collection (`child`) and the OpenAPI document.
 * @param options - base URL and service description URL
 * @returns the landing page
 */
export function landingPage(options: StacApiOptions): StacLandingPage {
  const urls = stacUrls(options.baseUrl);
  const links: StacLink[] = [
    { rel: 'self', href: urls.root, type: MediaTypes.json },
    { rel: 'root', href: urls.root, type: MediaTypes.json },
    { rel: 'conformance', href: urls.conformance, type: MediaTypes.json, title: 'Conformance classes' },
    { rel: 'data', href: urls.collections, type: MediaTypes.json, title: 'Collections' },
    { rel: 'search', href: urls.search, type: MediaTypes.geojson, method: 'GET', title: 'Item search' },
    { rel: 'search', href: urls.search, type: MediaTypes.geojson, method: 'POST', title: 'Item search' },
  ];
  if (options.serviceDescUrl !== undefined)
    links.push({
      rel: 'service-desc',
      href: options.serviceDescUrl,
      type: 'application/vnd.oai.openapi+json;version=3.0',
    });
  for (const id of COLLECTION_IDS)
    links.push({
      rel: 'child',
      href: urls.collection(id),
      type: MediaTypes.json,
      title: fairCollection(id).title ?? id,
    });
  return { ...fairCatalog(), conformsTo: [...CONFORMANCE_CLASSES], links };
}

/**
 * The body of `/conformance`.
 * @returns the conformance classes
 */
export function conformance(): { conformsTo: string[] } {
  return { conformsTo: [...CONFORMANCE_CLASSES] };
}

/**
 * Checks a collection id from a path.
 * @param id - the id
 * @returns the id
 * @throws AppError RESOURCE_DOES_NOT_EXIST listing the collections
 */
export function requireCollection(id: string): CollectionId {
  if (!isCollectionId(id))
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `collection ${id} does not exist; collections: ${COLLECTION_IDS.join(', ')}`,
    );
  return id;
}

/**
 * One collection with its items' extent and its links (`/collections/{id}`).
 * @param backend - the store
 * @param options - base URL
 * @param id - collection id
 * @returns the collection
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown collection
 */
export async function getCollection(
  backend: StacBackend,
  options: StacApiOptions,
  id: string,
): Promise<StacCollection> {
  const collectionId = requireCollection(id);
  const summary = await backend.summarizeCollection(collectionId);
  const extent =
    summary.count === 0
      ? DEFAULT_EXTENT
      : {
          spatial: { bbox: [summary.bbox ?? [-180, -90, 180, 90]] },
          temporal: { interval: [[summary.start ?? null, summary.end ?? null]] },
        };
  const urls = stacUrls(options.baseUrl);
  return {
    ...fairCollection(collectionId, extent),
    links: [
      { rel: 'self', href: urls.collection(collectionId), type: MediaTypes.json },
      { rel: 'root', href: urls.root, type: MediaTypes.json },
      { rel: 'parent', href: urls.root, type: MediaTypes.json },
      { rel: 'items', href: urls.items(collectionId), type: MediaTypes.geojson },
    ],
  };
}

/**
 * Every collection (`/collections`).
 * @param backend - the store
 * @param options - base URL
 * @returns the collections and links
 */
export async function listCollections(
  backend: StacBackend,
  options: StacApiOptions,
): Promise<StacCollectionList> {
  const urls = stacUrls(options.baseUrl);
  const collections: StacCollection[] = [];
  for (const id of COLLECTION_IDS) collections.push(await getCollection(backend, options, id));
  return {
    collections,
    links: [
      { rel: 'self', href: urls.collections, type: MediaTypes.json },
      { rel: 'root', href: urls.root, type: MediaTypes.json },
      { rel: 'parent', href: urls.root, type: MediaTypes.json },
    ],
  };
}

/**
 * One item (`/collections/{id}/items/{itemId}`).
 * @param backend - the store
 * @param options - base URL
 * @param collection - collection id
 * @param id - item id
 * @returns the item with API links
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown collection or item
 */
export async function getItem(
  backend: StacBackend,
  options: StacApiOptions,
  collection: string,
  id: string,
): Promise<StacItem> {
  const collectionId = requireCollection(collection);
  const item = await backend.getItem(collectionId, id);
  if (item === undefined)
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `item ${id} does not exist in collection ${collectionId}`);
  return withApiLinks({ ...item, collection: collectionId }, options.baseUrl);
}

/** How a search was asked: the item search by GET or POST, or one collection's items. */
export type SearchContext =
  { scope: 'search'; method: 'GET' | 'POST' } | { scope: 'items'; method: 'GET'; collection: string };

/**
 * One page of a search (`/search`) or of a collection's items (`/collections/{id}/items`), with `self`, `root`,
 * `next` and `prev` links; POST searches get POST paging links carrying the body.
 * @param backend - the store
 * @param options - base URL
 * @param search - the checked search (from `parseSearchQuery` / `parseSearchBody`)
 * @param context - search or items (with the collection), and the HTTP method
 * @returns the FeatureCollection
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown collection in the items path
 */
export async function searchItems(
  backend: StacBackend,
  options: StacApiOptions,
  search: StacSearch,
  context: SearchContext,
): Promise<StacItemCollection> {
  return JSON.parse(
    (await searchItemsJson(backend, options, search, context)).toString(),
  ) as StacItemCollection;
}

/**
 * {@link searchItems} as the JSON bytes the HTTP layer sends: items come from `cache` when their digest is unchanged,
 * so a page costs one key query (plus one query for the items not cached).
 * @param backend - the store
 * @param options - base URL
 * @param search - the checked search
 * @param context - search or items, and the HTTP method
 * @param cache - served item texts of this base URL, default none
 * @returns the FeatureCollection as UTF-8 JSON
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown collection in the items path
 */
export async function searchItemsJson(
  backend: StacBackend,
  options: StacApiOptions,
  search: StacSearch,
  context: SearchContext,
  cache: ByteCache = new ByteCache({ maxEntries: 0, maxBytes: 0 }),
): Promise<Buffer> {
  const scoped: StacSearch =
    context.scope === 'items' ? { ...search, collections: [requireCollection(context.collection)] } : search;
  const { keys, texts, hasMore } =
    scoped.intersects === undefined
      ? await headPage(backend, options, scoped, cache)
      : await exactPage(backend, options, scoped);
  const direction = scoped.token?.direction ?? 'next';
  const first = keys[0];
  const last = keys[keys.length - 1];
  const links: StacLink[] = [
    selfLink(options, scoped, context),
    { rel: 'root', href: stacUrls(options.baseUrl).root, type: MediaTypes.json },
  ];
  const hasNext = direction === 'next' ? hasMore : keys.length > 0;
  const hasPrev = direction === 'prev' ? hasMore : scoped.token !== undefined && keys.length > 0;
  if (hasNext && last !== undefined)
    links.push(pageLink('next', encodePageToken({ direction: 'next', ...last }), options, scoped, context));
  if (hasPrev && first !== undefined)
    links.push(pageLink('prev', encodePageToken({ direction: 'prev', ...first }), options, scoped, context));
  const parts: Buffer[] = [PAGE_HEAD];
  for (const [i, text] of texts.entries()) parts.push(...(i > 0 ? [COMMA] : []), text);
  parts.push(Buffer.from(`],"links":${JSON.stringify(links)},"numberReturned":${texts.length}}`));
  return Buffer.concat(parts);
}

const PAGE_HEAD = Buffer.from('{"type":"FeatureCollection","features":[');
const COMMA = Buffer.from(',');

/** A page: item keys and served JSON texts in key order, and whether more items lie beyond it. */
type Page = { keys: ItemKey[]; texts: Buffer[]; hasMore: boolean };

/** Without `intersects` the indexed columns decide: one key query, then the texts from the cache or the store. */
async function headPage(
  backend: StacBackend,
  options: StacApiOptions,
  search: StacSearch,
  cache: ByteCache,
): Promise<Page> {
  const query: StacItemQuery = { ...baseQuery(search), limit: search.limit + 1 };
  const token = search.token;
  if (token !== undefined) query[token.direction === 'next' ? 'after' : 'before'] = keyOf(token);
  const rows = await backend.queryItemHeads(query);
  const hasMore = rows.length > search.limit;
  const heads = token?.direction === 'prev' ? rows.slice(-search.limit) : rows.slice(0, search.limit);
  const texts = heads.map((h) => cache.get(itemCacheKey(h), h.etag));
  const missing = heads.filter((_, i) => texts[i] === undefined);
  if (missing.length > 0) {
    const stored = new Map<string, Buffer>();
    for (const { item, etag } of await backend.getItemsByKey(missing.map(keyOf))) {
      const key = itemCacheKey({ collection: item.collection ?? '', id: item.id });
      const text = itemJson(item, options);
      cache.set(key, etag, text);
      stored.set(key, text);
    }
    heads.forEach((h, i) => (texts[i] ??= stored.get(itemCacheKey(h))));
  }
  // An item deleted between the two queries is left out of the page.
  const kept = heads.flatMap((h, i) => (texts[i] === undefined ? [] : [{ key: keyOf(h), text: texts[i] }]));
  return { keys: kept.map((k) => k.key), texts: kept.map((k) => k.text), hasMore };
}

function itemCacheKey(key: ItemKey): string {
  return `${key.collection}\u0000${key.id}`;
}

/** An item as served: with the API's links, as UTF-8 JSON. */
function itemJson(item: StacItem, options: StacApiOptions): Buffer {
  return Buffer.from(JSON.stringify(withApiLinks(item, options.baseUrl)));
}

/** Most rows one backend query reads while filtering by exact `intersects`. */
const INTERSECTS_CHUNK = 500;

/**
 * With `intersects`, the backend filters by the geometry's bbox and this filters exactly, reading on in the token's
 * direction until `limit + 1` items match (the extra one tells whether more exist).
 */
async function exactPage(backend: StacBackend, options: StacApiOptions, search: StacSearch): Promise<Page> {
  const want = search.limit + 1;
  const direction = search.token?.direction ?? 'next';
  const geometry = search.intersects;
  const chunk = Math.max(want, INTERSECTS_CHUNK);
  let cursor: ItemKey | undefined = search.token && keyOf(search.token);
  let found: StacItem[] = [];
  for (;;) {
    const query: StacItemQuery = { ...baseQuery(search), limit: chunk };
    if (cursor !== undefined) query[direction === 'next' ? 'after' : 'before'] = cursor;
    const rows = await backend.queryItems(query);
    const kept = rows.filter(
      (i) => i.geometry !== null && geometry !== undefined && geometriesIntersect(i.geometry, geometry),
    );
    found = direction === 'next' ? [...found, ...kept] : [...kept, ...found];
    const edge = direction === 'next' ? rows[rows.length - 1] : rows[0];
    if (found.length >= want || rows.length < chunk || edge === undefined) break;
    cursor = keyOf({ collection: edge.collection ?? '', id: edge.id });
  }
  const page = direction === 'next' ? found.slice(0, search.limit) : found.slice(-search.limit);
  return {
    keys: page.map((i) => ({ collection: i.collection ?? '', id: i.id })),
    texts: page.map((i) => itemJson(i, options)),
    hasMore: found.length > search.limit,
  };
}

function keyOf(key: ItemKey): ItemKey {
  return { collection: key.collection, id: key.id };
}
function baseQuery(search: StacSearch): Omit<StacItemQuery, 'limit'> {
  const query: Omit<StacItemQuery, 'limit'> = {};
  if (search.collections !== undefined) query.collections = search.collections;
  if (search.ids !== undefined) query.ids = search.ids;
  if (search.bbox !== undefined) query.bboxes = splitAntimeridian(search.bbox);
  else if (search.intersects !== undefined) query.bboxes = [geometryBbox(search.intersects)];
  if (search.datetime !== undefined) query.datetime = search.datetime;
  if (search.tasks !== undefined) query.tasks = search.tasks;
  if (search.keywords !== undefined) query.keywords = search.keywords;
  return query;
}

/** A box with west > east crosses the antimeridian: two boxes, one each side. */
function splitAntimeridian(bbox: Bbox): Bbox[] {
  const [w, s, e, n] = bbox;
  return w <= e
    ? [bbox]
    : [
        [w, s, 180, n],
        [-180, s, e, n],
      ];
}

function pathOf(options: StacApiOptions, context: SearchContext): string {
  const urls = stacUrls(options.baseUrl);
  return context.scope === 'items' ? urls.items(context.collection) : urls.search;
}

function selfLink(options: StacApiOptions, search: StacSearch, context: SearchContext): StacLink {
  const href = pathOf(options, context);
  if (context.method === 'POST') return { rel: 'self', href, type: MediaTypes.geojson, method: 'POST' };
  const scope: SearchScope = context.scope;
  const query = searchToQueryString(search, search.tokenText ?? '', scope).replace(/&?token=$/, '');
  return { rel: 'self', href: query === '' ? href : `${href}?${query}`, type: MediaTypes.geojson };
}

function pageLink(
  rel: 'next' | 'prev',
  token: string,
  options: StacApiOptions,
  search: StacSearch,
  context: SearchContext,
): StacLink {
  const href = pathOf(options, context);
  if (context.method === 'POST')
    return {
      rel,
      href,
      type: MediaTypes.geojson,
      method: 'POST',
      body: searchToBody(search, token),
      merge: false,
    };
  return {
    rel,
    href: `${href}?${searchToQueryString(search, token, context.scope)}`,
    type: MediaTypes.geojson,
  };
}
