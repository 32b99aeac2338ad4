/**
 * @module stac/datetime-range — the `datetime` parameter of STAC API: an RFC 3339 instant, or an interval
 * `start/end` whose open end is `..` or empty.
 */
import { invalid } from '../shared/index.ts';

/** A time range, both ends inclusive, as ISO 8601 UTC strings; an absent end is open. */
export type DatetimeRange = { start?: string; end?: string };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses the `datetime` parameter.
 * @param value - `2026-01-01T00:00:00Z`, `2026-01-01T00:00:00Z/2026-02-01T00:00:00Z`, `../2026-02-01T00:00:00Z`,
 *   `2026-01-01T00:00:00Z/..` (or with an empty open end)
 * @returns the range (an instant gives start = end)
 * @throws AppError INVALID_PARAMETER_VALUE for a value that is not RFC 3339, an interval open at both ends, or a
 *   start after the end
 */
export function parseDatetimeRange(value: string): DatetimeRange {
  const parts = value.split('/');
  if (parts.length === 1) {
    const instant = parseInstant(value, value);
    return { start: instant, end: instant };
  }
  if (parts.length !== 2) invalid(`datetime ${value} is not an RFC 3339 instant or interval`);
  const [from = '', to = ''] = parts;
  const open = (s: string): boolean => s === '' || s === '..';
  if (open(from) && open(to)) invalid(`datetime ${value} is open at both ends`);
  const range: DatetimeRange = {};
  if (!open(from)) range.start = parseInstant(from, value);
  if (!open(to)) range.end = parseInstant(to, value);
  if (range.start !== undefined && range.end !== undefined && range.start > range.end)
    invalid(`datetime ${value} starts after it ends`);
  return range;
}

function parseInstant(text: string, whole: string): string {
  const m = RFC3339.exec(text);
  if (m === null) invalid(`datetime ${whole} is not RFC 3339 (e.g. 2026-01-31T12:00:00Z)`);
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
    invalid(`datetime ${whole} has an out-of-range field`);
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) invalid(`datetime ${whole} is not a valid time`);
  return new Date(ms).toISOString();
}
