/** @module imagery/tile-url-template.test — template parsing, expansion, Retry-After parsing and URL redaction. */
import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from './tile-fetcher.ts';
import { expandTileUrl, looksLikeTileTemplate, parseTileTemplate, redactUrl } from './tile-url-template.ts';

const tile = { x: 386690, y: 220241, z: 19 };

describe('tile URL templates', () => {
  it('fills {z}/{x}/{y}, {zoom} and TMS rows', () => {
    expect(expandTileUrl(parseTileTemplate('https://t.org/{z}/{x}/{y}.png'), tile)).toBe(
      'https://t.org/19/386690/220241.png',
    );
    expect(expandTileUrl(parseTileTemplate('https://t.org/{zoom}/{x}/{tms_y}'), tile)).toBe(
      'https://t.org/19/386690/304046',
    );
    expect(expandTileUrl(parseTileTemplate('https://t.org/{z}/{x}/{y}', { scheme: 'tms' }), tile)).toBe(
      'https://t.org/19/386690/304046',
    );
  });

  it('accepts URL-encoded braces', () => {
    expect(looksLikeTileTemplate('https://t.org/%7Bz%7D/%7Bx%7D/%7By%7D')).toBe(true);
    expect(
      expandTileUrl(parseTileTemplate('https://t.org/%7Bz%7D/%7Bx%7D/%7By%7D'), { x: 1, y: 2, z: 3 }),
    ).toBe('https://t.org/3/1/2');
  });

  it('spreads {s} and {switch:…} over their values by x + y, stably', () => {
    const parsed = parseTileTemplate('https://{s}.t.org/{z}/{x}/{y}');
    expect(parsed.subdomains).toEqual(['a', 'b', 'c']);
    expect(expandTileUrl(parsed, { x: 0, y: 0, z: 1 })).toBe('https://a.t.org/1/0/0');
    expect(expandTileUrl(parsed, { x: 1, y: 1, z: 1 })).toBe('https://c.t.org/1/1/1');
    const josm = parseTileTemplate('https://{switch:k,l}.t.org/{z}/{x}/{y}');
    expect(expandTileUrl(josm, { x: 1, y: 0, z: 1 })).toBe('https://l.t.org/1/1/0');
  });

  it.each([
    ['https://t.org/{z}/{x}.png', 'needs {z}, {x} and {y}'],
    ['https://t.org/{z}/{x}/{y}/{bbox}', 'unknown placeholder {bbox}'],
    ['ftp://t.org/{z}/{x}/{y}', 'is not an http(s) URL'],
  ])('refuses %s', (template, message) => {
    expect(() => parseTileTemplate(template)).toThrow(message);
  });
});

describe('redactUrl', () => {
  it('hides credentials in query parameters and user info', () => {
    expect(redactUrl('https://u:p@t.org/{z}/{x}/{y}?access_token=abc&style=x')).toBe(
      'https://***@t.org/{z}/{x}/{y}?access_token=***&style=x',
    );
    expect(redactUrl('not a url')).toBe('not a url');
  });
});

describe('retry timing', () => {
  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('doubles the backoff per attempt with jitter between half and all of it', () => {
    for (let i = 0; i < 20; i++) {
      const d = backoffMs(3, 100);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThan(800);
    }
  });
});
