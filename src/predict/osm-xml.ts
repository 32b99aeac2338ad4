/**
 * @module predict/osm-xml — predicted buildings as OSM XML for JOSM: new objects with negative ids unique across the
 * file, one node per distinct position (buildings sharing a wall share its nodes), closed ways tagged `building=yes`
 * and `source=…`, multipolygon relations for buildings with courtyards, or tagged nodes only (`points`) (issue 4 §4).
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Position } from 'geojson';
import { FileSink } from './file-sink.ts';
import type { FeatureWriter, OutputFeature } from './feature-writer.ts';
import { poleOfInaccessibility } from './pole-of-inaccessibility.ts';

/** Options of the OSM XML encoders. */
export type OsmXmlOptions = {
  /** Write one tagged node per building (its pole of inaccessibility) instead of its outline, default false. */
  points?: boolean;
  /** `source` tag of features without a `source` property, default `fAIr`. */
  source?: string;
  /** `generator` attribute of the file, default `fAIr`. */
  generator?: string;
};

/** The XML of one feature, split by element kind (OSM files list nodes, then ways, then relations). */
export type OsmElements = { nodes: string[]; ways: string[]; relations: string[] };

/** Escapes text for an XML attribute value. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c] as string};`,
  );
}

/**
 * Turns features into OSM elements with file-wide unique negative ids: nodes are shared between features for equal
 * positions (at 7 decimals, about 1 cm).
 */
export class OsmEncoder {
  readonly #points: boolean;
  readonly #source: string;
  readonly #nodeIds = new Map<string, number>();
  #nextId = -1;

  /** @param options - points (false), source (`fAIr`) */
  constructor(options: OsmXmlOptions = {}) {
    this.#points = options.points ?? false;
    this.#source = options.source ?? 'fAIr';
  }

  /**
   * The elements of one feature (nodes already written for an earlier feature are not repeated).
   * @param feature - a Polygon, MultiPolygon or Point building
   * @returns its new nodes, ways and relations as XML lines
   */
  encode(feature: OutputFeature): OsmElements {
    const out: OsmElements = { nodes: [], ways: [], relations: [] };
    const tags = this.#tags(feature);
    const { geometry } = feature;
    if (geometry.type === 'Point' || this.#points) {
      const at =
        geometry.type === 'Point' ? geometry.coordinates : poleOfInaccessibility(largestPart(geometry));
      out.nodes.push(nodeXml(this.#nextId--, at, tags));
      return out;
    }
    const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    if (parts.length === 1 && parts[0]?.length === 1) {
      out.ways.push(this.#way(parts[0][0] as Position[], tags, out).xml);
      return out;
    }
    const members: string[] = [];
    for (const rings of parts)
      rings.forEach((ring, i) => {
        const way = this.#way(ring, [], out);
        out.ways.push(way.xml);
        members.push(`    <member type="way" ref="${way.id}" role="${i === 0 ? 'outer' : 'inner'}"/>`);
      });
    const relationTags = [['type', 'multipolygon'], ...tags] as [string, string][];
    out.relations.push(
      `  <relation id="${this.#nextId--}" visible="true">\n${members.join('\n')}\n${tagLines(relationTags)}  </relation>`,
    );
    return out;
  }

  #tags(feature: OutputFeature): [string, string][] {
    const p = feature.properties ?? {};
    const building = typeof p['building'] === 'string' ? p['building'] : 'yes';
    const source = typeof p['source'] === 'string' ? p['source'] : this.#source;
    return [
      ['building', building],
      ['source', source],
    ];
  }

  /** A closed way over the ring's nodes; new nodes go to `out.nodes`. */
  #way(ring: readonly Position[], tags: [string, string][], out: OsmElements): { id: number; xml: string } {
    const refs: number[] = [];
    const open = isClosed(ring) ? ring.slice(0, -1) : ring;
    for (const p of open) refs.push(this.#node(p, out));
    if (refs.length > 0) refs.push(refs[0] as number);
    const nd = refs.map((r) => `    <nd ref="${r}"/>`).join('\n');
    const id = this.#nextId--;
    return { id, xml: `  <way id="${id}" visible="true">\n${nd}\n${tagLines(tags)}  </way>` };
  }

  #node(p: Position, out: OsmElements): number {
    const key = coordinateKey(p);
    const known = this.#nodeIds.get(key);
    if (known !== undefined) return known;
    const id = this.#nextId--;
    this.#nodeIds.set(key, id);
    out.nodes.push(nodeXml(id, p, []));
    return id;
  }
}

function isClosed(ring: readonly Position[]): boolean {
  const a = ring[0];
  const b = ring[ring.length - 1];
  return ring.length > 1 && a !== undefined && b !== undefined && coordinateKey(a) === coordinateKey(b);
}

function coordinateKey(p: Position): string {
  return `${(p[1] as number).toFixed(7)},${(p[0] as number).toFixed(7)}`;
}

function nodeXml(id: number, p: Position, tags: [string, string][]): string {
  const head = `  <node id="${id}" visible="true" lat="${(p[1] as number).toFixed(7)}" lon="${(p[0] as number).toFixed(7)}"`;
  return tags.length === 0 ? `${head}/>` : `${head}>\n${tagLines(tags)}  </node>`;
}

function tagLines(tags: [string, string][]): string {
  return tags.map(([k, v]) => `    <tag k="${escapeXml(k)}" v="${escapeXml(v)}"/>\n`).join('');
}

function largestPart(geometry: Exclude<OutputFeature['geometry'], { type: 'Point' }>): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  let best = geometry.coordinates[0] ?? [];
  let bestSpan = -1;
  for (const rings of geometry.coordinates) {
    const xs = (rings[0] ?? []).map((p) => p[0] as number);
    const span = Math.max(...xs) - Math.min(...xs);
    if (span > bestSpan) [best, bestSpan] = [rings, span];
  }
  return best;
}

function header(generator: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="${escapeXml(generator)}">\n`;
}

/**
 * OSM XML of some features, in memory: nodes, then ways, then relations.
 * @param features - buildings (Polygon, MultiPolygon or Point)
 * @param options - points (false), source (`fAIr`), generator (`fAIr`)
 * @returns the XML document
 * @example
 * const xml = toOsmXml(result.features, { source: 'fAIr' });
 */
export function toOsmXml(features: Iterable<OutputFeature>, options: OsmXmlOptions = {}): string {
  const encoder = new OsmEncoder(options);
  const all: OsmElements = { nodes: [], ways: [], relations: [] };
  for (const feature of features) {
    const e = encoder.encode(feature);
    all.nodes.push(...e.nodes);
    all.ways.push(...e.ways);
    all.relations.push(...e.relations);
  }
  const body = [...all.nodes, ...all.ways, ...all.relations].map((line) => `${line}\n`).join('');
  return `${header(options.generator ?? 'fAIr')}${body}</osm>\n`;
}

/**
 * Opens an OSM XML file for streaming: nodes go to the file at once, ways and relations to temporary files that are
 * appended on `close` (OSM order: nodes, ways, relations), then the file is renamed into place.
 * @param path - the output file
 * @param options - points (false), source (`fAIr`), generator (`fAIr`)
 * @returns the writer
 * @throws AppError INVALID_PARAMETER_VALUE when the folder of `path` cannot be written
 */
export async function createOsmXmlWriter(path: string, options: OsmXmlOptions = {}): Promise<FeatureWriter> {
  const encoder = new OsmEncoder(options);
  const nodes = await FileSink.open(path);
  const ways = await FileSink.open(`${path}.ways`, `${path}.ways.tmp`);
  const relations = await FileSink.open(`${path}.relations`, `${path}.relations.tmp`);
  await nodes.write(header(options.generator ?? 'fAIr'));
  let count = 0;
  const abort = async (): Promise<void> => {
    await Promise.all([nodes.abort(), ways.abort(), relations.abort()]);
  };
  return {
    write(feature) {
      const e = encoder.encode(feature);
      count++;
      const waits = [
        e.nodes.length > 0 ? nodes.write(e.nodes.map((line) => `${line}\n`).join('')) : undefined,
        e.ways.length > 0 ? ways.write(e.ways.map((line) => `${line}\n`).join('')) : undefined,
        e.relations.length > 0 ? relations.write(e.relations.map((line) => `${line}\n`).join('')) : undefined,
      ].filter((w) => w !== undefined);
      return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
    },
    async close() {
      await Promise.all([ways.commit(), relations.commit()]);
      for (const part of [ways.path, relations.path]) {
        for await (const chunk of createReadStream(part, { encoding: 'utf8' }))
          await nodes.write(chunk as string);
        await rm(part, { force: true });
      }
      await nodes.write('</osm>\n');
      await nodes.commit();
      return { features: count };
    },
    abort,
  };
}
