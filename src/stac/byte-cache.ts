/**
 * @module stac/byte-cache — served JSON kept per process as UTF-8 bytes, each entry valid for one tag: item texts
 * tagged with the item's digest, whole search pages tagged with the catalog's change count. A page then costs
 * string joins (or nothing) instead of parsing and serialising every item, and its bytes go to the socket without
 * another encoding pass.
 */

/** Bounds of a {@link ByteCache}. */
export type ByteCacheLimits = {
  /** Most entries kept; 0 turns caching off. */
  maxEntries: number;
  /** Most bytes kept over all entries, keys counted too (an entry larger than this is not kept). */
  maxBytes: number;
};

/** A least-recently-used cache of byte strings by key, each valid for the tag it was stored with. */
export class ByteCache {
  readonly #limits: ByteCacheLimits;
  readonly #entries = new Map<string, { tag: string; bytes: Buffer }>();
  #bytes = 0;

  /**
   * @param limits - most entries and bytes kept
   */
  constructor(limits: ByteCacheLimits) {
    this.#limits = limits;
  }

  /**
   * The bytes stored under `key`, when they were stored with this tag.
   * @param key - what the bytes are (an item's key, a normalised search)
   * @param tag - what they must be current for (a digest, a change count)
   * @returns the bytes, or undefined
   */
  get(key: string, tag: string): Buffer | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.tag !== tag) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.bytes;
  }

  /**
   * Stores bytes, dropping the least recently used entries beyond the bounds.
   * @param key - what the bytes are
   * @param tag - what they are current for
   * @param bytes - the served JSON
   */
  set(key: string, tag: string, bytes: Buffer): void {
    this.#drop(key);
    const size = entrySize(key, bytes);
    if (this.#limits.maxEntries <= 0 || size > this.#limits.maxBytes) return;
    this.#entries.set(key, { tag, bytes });
    this.#bytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) break;
      this.#drop(oldest);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held over all entries, keys included. */
  get bytes(): number {
    return this.#bytes;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entrySize(key, entry.bytes);
  }
}

/** An entry's weight: its bytes and its key (a search with a large `intersects` geometry has a large key). */
function entrySize(key: string, bytes: Buffer): number {
  return bytes.length + key.length;
}
