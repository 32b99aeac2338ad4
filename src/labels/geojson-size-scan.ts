/**
 * @module labels/geojson-size-scan — counts positions and features of GeoJSON text in one cheap pass,
 * so oversized inputs are refused before `JSON.parse` builds millions of arrays.
 */
import { AppError } from '../shared/index.ts';
import type { LabelLimits } from './label-types.ts';

/** Counts found by {@link scanGeoJsonText}. */
export type GeoJsonTextCounts = {
  /** Arrays that open with a number outside strings, `bbox` arrays excluded: the positions of the geometries. */
  positions: number;
  /** `"type": "Feature"` members outside strings. */
  features: number;
};

const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const COLON = 58;
const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function startsNumber(c: number): boolean {
  return c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9);
}

/**
 * Counts positions and features without parsing, jumping from quote to bracket with `indexOf` (tens of ms for
 * 50 MB). The scan is exact for well-formed GeoJSON whose properties hold no arrays of numbers and no
 * `"type": "Feature"` members (those would count too, so the counts are upper bounds); on malformed text it still
 * terminates and returns some counts.
 * @param text - GeoJSON text
 * @returns the counts
 */
export function scanGeoJsonText(text: string): GeoJsonTextCounts {
  let positions = 0;
  let features = 0;
  let lastKey = '';
  let skipBracketAt = -1;
  let quote = text.indexOf('"');
  let bracket = text.indexOf('[');
  while (quote >= 0 || bracket >= 0) {
    if (bracket >= 0 && (quote < 0 || bracket < quote)) {
      if (bracket !== skipBracketAt && startsNumber(text.charCodeAt(nextSignificant(text, bracket + 1))))
        positions++;
      bracket = text.indexOf('[', bracket + 1);
      continue;
    }
    const end = endOfString(text, quote + 1);
    const length = end - quote - 1;
    const after = nextSignificant(text, end + 1);
    if (text.charCodeAt(after) === COLON) {
      lastKey = length === 4 ? text.slice(quote + 1, end) : '';
      const value = nextSignificant(text, after + 1);
      if (lastKey === 'bbox' && text.charCodeAt(value) === OPEN_BRACKET) skipBracketAt = value;
    } else if (length === 7 && lastKey === 'type' && text.startsWith('Feature', quote + 1)) {
      if (text.charCodeAt(previousSignificant(text, quote - 1)) === COLON) features++;
    }
    quote = text.indexOf('"', end + 1);
    if (bracket >= 0 && bracket < end) bracket = text.indexOf('[', end + 1);
  }
  return { positions, features };
}

/** Index of the closing quote of a string whose content starts at `start` (the text length when unterminated). */
function endOfString(text: string, start: number): number {
  let i = start;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    let backslashes = 0;
    for (let k = q - 1; k >= start && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    i = q + 1;
  }
}

/** Index of the first non-whitespace character at or after `from` (the text length when none). */
function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the last non-whitespace character at or before `from` (-1 when none). */
function previousSignificant(text: string, from: number): number {
  let i = from;
  while (i >= 0 && isWhitespace(text.charCodeAt(i))) i--;
  return i;
}

/**
 * Refuses text over the byte, feature or vertex limit, cheaply (one pass, no parse).
 * @param text - GeoJSON text
 * @param limits - complete limits
 * @param what - names the input in messages, e.g. a file path
 * @throws AppError LIMIT_EXCEEDED naming the measured size and the limit
 */
export function checkTextLimits(text: string, limits: LabelLimits, what: string): void {
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short texts skip the exact byte count.
  if (text.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.maxBytes) tooMuch(what, `${bytes} bytes`, `${limits.maxBytes} bytes`);
  }
  const counts = scanGeoJsonText(text);
  if (counts.positions > limits.maxVertices)
    tooMuch(what, `${counts.positions} vertices`, `${limits.maxVertices} vertices`);
  if (counts.features > limits.maxFeatures)
    tooMuch(what, `${counts.features} features`, `${limits.maxFeatures} features`);
}

function tooMuch(what: string, found: string, limit: string): never {
  throw new AppError('LIMIT_EXCEEDED', `${what} has ${found}, over the limit of ${limit}`);
}
