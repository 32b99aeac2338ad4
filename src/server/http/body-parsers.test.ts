import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './body-parsers.ts';

describe('parseJsonBody', () => {
  it('parses JSON and treats an empty body as none', () => {
    expect(parseJsonBody('{"a": [1, 2]}', 10)).toEqual({ a: [1, 2] });
    expect(parseJsonBody('  ', 10)).toBeUndefined();
  });

  it('refuses more GeoJSON positions than the limit before parsing', () => {
    const polygon = JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    });
    expect(parseJsonBody(polygon, 4)).toMatchObject({ type: 'Polygon' });
    expect(() => parseJsonBody(polygon, 3)).toThrow(
      'request body has 4 GeoJSON positions, over the limit of 3',
    );
  });

  it('names a syntax error as bad input', () => {
    expect(() => parseJsonBody('{"a":', 10)).toThrow(/request body is not valid JSON/);
  });
});
