/** @module storage/key-order — the one order of keys every store lists in: bytewise UTF-8, as S3 does. */

/**
 * Compares two keys by their UTF-8 bytes (the order of S3's ListObjectsV2).
 * @param a - a key
 * @param b - another key
 * @returns negative, zero or positive, as for `Array.prototype.sort`
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
