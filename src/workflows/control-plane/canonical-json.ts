/** @module workflows/control-plane/canonical-json — canonical JSON (sorted keys), SHA-256 digests and short diffs. */
import { createHash } from 'node:crypto';

/**
 * JSON text with object keys sorted at every level, so equal values give equal text (digests, cache keys).
 * @param value - any JSON-compatible value; `undefined` object members are dropped as JSON.stringify does
 * @returns the canonical text
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * Hex SHA-256 of a string.
 * @param text - the text (UTF-8)
 * @returns 64 hex digits
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The paths where two JSON values differ, one line each (`timeoutMs: 1000 → 2000`), at most `limit` lines.
 * @param before - the stored value
 * @param after - the new value
 * @param limit - most lines returned, default 5 (a last line says how many more differ)
 * @returns the lines; empty when the values are equal
 */
export function jsonDiff(before: unknown, after: unknown, limit = 5): string[] {
  const lines: string[] = [];
  collectDiff(sortKeys(before), sortKeys(after), '', lines);
  if (lines.length <= limit) return lines;
  return [...lines.slice(0, limit), `… and ${lines.length - limit} more`];
}

function collectDiff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      collectDiff(a[key], b[key], path === '' ? key : `${path}.${key}`, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => collectDiff(item, b[i], `${path}[${i}]`, out));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '(value)'}: ${brief(a)} → ${brief(b)}`);
}

function brief(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (value[key] !== undefined) sorted[key] = sortKeys(value[key]);
  }
  return sorted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
