/**
 * @module stac/item-text-cache — served items as JSON text, kept per process by key and content digest, so a page
 * of items costs one key query and string joins instead of parsing and serialising every item on every request.
 */
import type { ItemKey } from './backend.ts';

/** A bounded least-recently-used cache of item JSON texts, keyed by collection and id, valid for one digest. */
export class ItemTextCache {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { etag: string; text: string }>();

  /**
   * @param maxEntries - most items kept (default 2000, about 10 MB of typical model items); 0 turns caching off
   */
  constructor(maxEntries = 2000) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The cached text of an item, when it was cached for this digest.
   * @param key - collection and id
   * @param etag - the item's current digest
   * @returns the text, or undefined
   */
  get(key: ItemKey, etag: string): string | undefined {
    const id = cacheKey(key);
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.etag !== etag) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    return entry.text;
  }

  /**
   * Caches an item's text, dropping the least recently used entry when full.
   * @param key - collection and id
   * @param etag - the digest the text belongs to
   * @param text - the served JSON
   */
  set(key: ItemKey, etag: string, text: string): void {
    if (this.#maxEntries <= 0) return;
    const id = cacheKey(key);
    this.#entries.delete(id);
    this.#entries.set(id, { etag, text });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Number of cached items. */
  get size(): number {
    return this.#entries.size;
  }
}

function cacheKey(key: ItemKey): string {
  return `${key.collection}\u0000${key.id}`;
}
