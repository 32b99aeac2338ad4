/** @module labels/geojson-size-scan.test — the pre-parse counts behind the import limits. */
import { describe, expect, it } from 'vitest';
import { scanGeoJsonText } from './geojson-size-scan.ts';

describe('scanGeoJsonText', () => {
  it('counts positions and features of a formatted collection', () => {
    const text = JSON.stringify(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-1.5, 2] } },
        ],
      },
      null,
      2,
    );
    expect(scanGeoJsonText(text)).toEqual({ positions: 5, features: 2 });
  });

  it('does not count bbox members, brackets inside strings, or "Feature" that is not a type', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      bbox: [0, 0, 1, 1],
      features: [
        {
          type: 'Feature',
          bbox: [0, 0, 1, 1],
          properties: { note: 'see [1, 2] and "[3]"', kind: 'Feature', 'we\\"ird[': '\\' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
      ],
    });
    expect(scanGeoJsonText(text)).toEqual({ positions: 4, features: 1 });
  });

  it('terminates on an unterminated string', () => {
    expect(scanGeoJsonText('{"type": "Feature", "a": "[1, 2')).toEqual({ positions: 0, features: 1 });
  });
});
