/** @module predict/josm-urls.test — JOSM remote-control URLs. */
import { describe, expect, it } from 'vitest';
import { josmImageryUrl, josmImportUrl, josmLoadDataUrl, josmZoomUrl } from './josm-urls.ts';

describe('JOSM remote-control URLs', () => {
  it('load_data carries the XML url-encoded into a named new layer', () => {
    const xml = '<osm version="0.6"><node id="-1" lat="1" lon="2"/></osm>';
    const url = new URL(josmLoadDataUrl(xml, { layerName: 'fAIr Banepa' }));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8111/load_data');
    expect(url.searchParams.get('new_layer')).toBe('true');
    expect(url.searchParams.get('layer_name')).toBe('fAIr Banepa');
    expect(url.searchParams.get('data')).toBe(xml);
    expect(url.search).not.toMatch(/[<>"]/);
  });

  it('import puts the data URL last and can load into the current layer', () => {
    const url = josmImportUrl('https://fair.example.org/predictions/7.osm?a=1&b=2', { newLayer: false });
    expect(url).toBe(
      'http://127.0.0.1:8111/import?new_layer=false&url=https%3A%2F%2Ffair.example.org%2Fpredictions%2F7.osm%3Fa%3D1%26b%3D2',
    );
  });

  it('imagery adds a TMS layer with JOSM placeholders, url last', () => {
    const url = josmImageryUrl({
      title: 'OAM Banepa',
      url: 'https://tiles.example.org/{z}/{x}/{y}.png',
      maxZoom: 21,
    });
    expect(url).toBe(
      'http://127.0.0.1:8111/imagery?title=OAM%20Banepa&type=tms&max_zoom=21&url=https%3A%2F%2Ftiles.example.org%2F%7Bzoom%7D%2F%7Bx%7D%2F%7By%7D.png',
    );
  });

  it('zoom moves the view to a bbox', () => {
    expect(josmZoomUrl([85.5, 27.6, 85.6, 27.7])).toBe(
      'http://127.0.0.1:8111/zoom?left=85.5&right=85.6&top=27.7&bottom=27.6',
    );
  });

  it('refuses bad input with one line naming it', () => {
    expect(() => josmLoadDataUrl('  ')).toThrow(/OSM XML for JOSM load_data is empty/);
    expect(() => josmImportUrl('file:///etc/passwd')).toThrow(/file:\/\/\/etc\/passwd .* not http/);
    expect(() => josmImageryUrl({ title: 'x', url: 'https://a/b.png' })).toThrow(
      /not an http\(s\) tile template/,
    );
    expect(() =>
      josmImageryUrl({ title: 'x', url: 'https://a/{z}/{x}/{y}', minZoom: 20, maxZoom: 10 }),
    ).toThrow(/min zoom 20 is above max zoom 10/);
    expect(() => josmZoomUrl([2, 0, 1, 1])).toThrow(/west < east/);
  });
});
