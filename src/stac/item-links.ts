/**
 * @module stac/item-links — hrefs between items of fAIr's catalog. Items store links to each other relative to
 * the API layout (`{root}/collections/{collection}/items/{id}`), so a stored item does not depend on the URL the
 * server is reached at; the API resolves them against each item's `self` URL when it serves the item.
 */
import type { StacItem, StacLink } from './stac-types.ts';

/**
 * The href of an item of the catalog, relative to another item's URL (`../../{collection}/items/{id}`).
 * @param collection - collection id
 * @param id - item id
 * @returns the relative href, path segments URL-encoded
 * @example
 * catalogItemHref('base-models', 'unet-s'); // '../../base-models/items/unet-s'
 */
export function catalogItemHref(collection: string, id: string): string {
  return `../../${encodeURIComponent(collection)}/items/${encodeURIComponent(id)}`;
}

/**
 * The `collection` link of an item, relative to the item's URL (`../../{collection}`); STAC requires it whenever
 * the item names its collection.
 * @param collection - collection id
 * @returns the link
 */
export function collectionLink(collection: string): StacLink {
  return { rel: 'collection', href: `../../${encodeURIComponent(collection)}`, type: 'application/json' };
}

/** Link relations the API writes for every item it serves (stored values are replaced). */
export const API_ITEM_RELATIONS: ReadonlySet<string> = new Set(['self', 'root', 'parent', 'collection']);

/**
 * The API URLs of the catalog: root, collections, items.
 * @param baseUrl - the STAC API root, e.g. `https://fair.example.org/stac` (a trailing slash is dropped)
 * @returns functions that build the URLs
 */
export function stacUrls(baseUrl: string): {
  root: string;
  conformance: string;
  collections: string;
  search: string;
  collection(id: string): string;
  items(collection: string): string;
  item(collection: string, id: string): string;
} {
  const root = baseUrl.replace(/\/+$/, '');
  const collection = (id: string): string => `${root}/collections/${encodeURIComponent(id)}`;
  return {
    root,
    conformance: `${root}/conformance`,
    collections: `${root}/collections`,
    search: `${root}/search`,
    collection,
    items: (id) => `${collection(id)}/items`,
    item: (c, id) => `${collection(c)}/items/${encodeURIComponent(id)}`,
  };
}

/**
 * An item as the API serves it: `self`, `parent`, `collection` and `root` links to the API, every other relative
 * link href resolved against the item's URL.
 * @param item - the stored item (must carry `collection`)
 * @param baseUrl - the STAC API root URL
 * @returns a new item; the stored one is not changed
 */
export function withApiLinks(item: StacItem, baseUrl: string): StacItem {
  const urls = stacUrls(baseUrl);
  const collection = item.collection ?? '';
  const self = urls.item(collection, item.id);
  const links: StacLink[] = [
    { rel: 'self', href: self, type: 'application/geo+json' },
    { rel: 'parent', href: urls.collection(collection), type: 'application/json' },
    { rel: 'collection', href: urls.collection(collection), type: 'application/json' },
    { rel: 'root', href: urls.root, type: 'application/json' },
  ];
  for (const link of item.links) {
    if (API_ITEM_RELATIONS.has(link.rel)) continue;
    links.push({ ...link, href: resolveHref(link.href, self) });
  }
  return { ...item, links };
}

function resolveHref(href: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  try {
    return new URL(href, base).toString();
  } catch {
    return href;
  }
}
