/** @module predict/osm-xml.test — OSM XML for JOSM: well-formed, complete, unique negative ids, shared nodes. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFeature } from './feature-writer.ts';
import { createOsmXmlWriter, toOsmXml } from './osm-xml.ts';
import { parseXml } from './test-support/parse-xml.ts';
import type { XmlElement } from './test-support/parse-xml.ts';

const square = (x: number, y: number, s: number): Position[] => [
  [x, y],
  [x + s, y],
  [x + s, y + s],
  [x, y + s],
  [x, y],
];

const features: OutputFeature[] = [
  // Two buildings sharing the wall x = 85.5001.
  {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [square(85.5, 27.6, 0.0001)] },
    properties: { building: 'yes', confidence: 0.9 },
  },
  {
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [square(85.5001, 27.6, 0.0001)] },
    properties: { building: 'yes', source: 'A&B "x" <y>' },
  },
  // A courtyard building: becomes a multipolygon relation.
  {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [square(85.501, 27.6, 0.0003), square(85.5011, 27.6001, 0.0001).reverse()],
    },
    properties: { building: 'yes' },
  },
];

function byName(root: XmlElement, name: string): XmlElement[] {
  return root.children.filter((c) => c.name === name);
}

function tagsOf(element: XmlElement): Record<string, string> {
  return Object.fromEntries(
    element.children.filter((c) => c.name === 'tag').map((t) => [t.attributes['k'], t.attributes['v']]),
  );
}

describe('toOsmXml', () => {
  const xml = toOsmXml(features, { source: 'fAIr test' });
  const root = parseXml(xml);

  it('is well-formed OSM 0.6 with nodes, then ways, then relations', () => {
    expect(root.name).toBe('osm');
    expect(root.attributes['version']).toBe('0.6');
    const kinds = root.children.map((c) => c.name);
    expect(kinds).toEqual(
      [...kinds].sort(
        (a, b) => ['node', 'way', 'relation'].indexOf(a) - ['node', 'way', 'relation'].indexOf(b),
      ),
    );
  });

  it('gives every element a unique negative id and references only elements in the file', () => {
    const ids = root.children.map((c) => Number(c.attributes['id']));
    expect(ids.every((id) => Number.isInteger(id) && id < 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const nodes = new Set(byName(root, 'node').map((n) => n.attributes['id']));
    const ways = new Set(byName(root, 'way').map((w) => w.attributes['id']));
    for (const way of byName(root, 'way'))
      for (const nd of way.children.filter((c) => c.name === 'nd'))
        expect(nodes.has(nd.attributes['ref'])).toBe(true);
    for (const rel of byName(root, 'relation'))
      for (const m of rel.children.filter((c) => c.name === 'member'))
        expect(ways.has(m.attributes['ref'])).toBe(true);
  });

  it('shares the nodes of a common wall and closes every way', () => {
    // 4 + 4 corners with 2 shared = 6, plus 4 + 4 for the courtyard building.
    expect(byName(root, 'node')).toHaveLength(14);
    for (const way of byName(root, 'way')) {
      const refs = way.children.filter((c) => c.name === 'nd').map((c) => c.attributes['ref']);
      expect(refs.length).toBe(5);
      expect(refs[0]).toBe(refs[refs.length - 1]);
    }
  });

  it('tags buildings with building=yes and source, escaping values', () => {
    const [first, second] = byName(root, 'way');
    expect(tagsOf(first as XmlElement)).toEqual({ building: 'yes', source: 'fAIr test' });
    expect(tagsOf(second as XmlElement)).toEqual({ building: 'yes', source: 'A&B "x" <y>' });
    const [relation] = byName(root, 'relation');
    expect(tagsOf(relation as XmlElement)).toEqual({
      type: 'multipolygon',
      building: 'yes',
      source: 'fAIr test',
    });
    expect(
      (relation as XmlElement).children.filter((c) => c.name === 'member').map((m) => m.attributes['role']),
    ).toEqual(['outer', 'inner']);
  });

  it('writes one tagged node per building inside it with points', () => {
    const points = parseXml(toOsmXml(features, { points: true }));
    const nodes = byName(points, 'node');
    expect(points.children).toHaveLength(3);
    expect(nodes.every((n) => tagsOf(n)['building'] === 'yes')).toBe(true);
    // The courtyard building's point is in its ring, not in the courtyard (its centroid would be).
    const lon = Number(nodes[2]?.attributes['lon']);
    const lat = Number(nodes[2]?.attributes['lat']);
    const inCourtyard = lon > 85.5011 && lon < 85.5012 && lat > 27.6001 && lat < 27.6002;
    expect(lon > 85.501 && lon < 85.5013 && lat > 27.6 && lat < 27.6003 && !inCourtyard).toBe(true);
  });
});

describe('createOsmXmlWriter', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fair-osm-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams the same document toOsmXml builds, and leaves no temporary files', async () => {
    const file = path.join(dir, 'out.osm');
    const writer = await createOsmXmlWriter(file, { source: 'fAIr test' });
    for (const f of features) await writer.write(f);
    expect(await writer.close()).toEqual({ features: 3 });
    expect(await readFile(file, 'utf8')).toBe(toOsmXml(features, { source: 'fAIr test' }));
    expect(await readdir(dir)).toEqual(['out.osm']);
  });

  it('removes everything on abort', async () => {
    const file = path.join(dir, 'aborted.osm');
    const writer = await createOsmXmlWriter(file);
    await writer.write(features[0] as OutputFeature);
    await writer.abort();
    expect((await readdir(dir)).filter((f) => f.startsWith('aborted'))).toEqual([]);
  });
});
