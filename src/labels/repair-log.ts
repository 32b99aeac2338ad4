/** @module labels/repair-log — tallies the repairs and skips of one import and words them as short notes. */

/** The kinds of change an import makes to its input. */
export type RepairKind =
  'closedRing' | 'duplicateVertices' | 'rewoundRing' | 'nullGeometry' | 'skippedNonPolygonal';

/** Kinds that count as repairs (skipping a feature is not a repair). */
const repairKinds: ReadonlySet<RepairKind> = new Set([
  'closedRing',
  'duplicateVertices',
  'rewoundRing',
  'nullGeometry',
]);

/** How many feature indexes a note names before it says "and N more". */
const NAMED_FEATURES = 5;

type Tally = { count: number; amount: number; features: number; last: string; examples: string[] };

/** Collects repairs and skips during one import; `notes()` words them, one line per kind. */
export class RepairLog {
  #tallies = new Map<RepairKind, Tally>();

  /**
   * Records one repair or skip.
   * @param kind - what was done
   * @param feature - the feature index (with a detail, e.g. `3 (Point)`)
   * @param amount - how many items it involved (vertices removed), default 1
   */
  add(kind: RepairKind, feature: number | string, amount = 1): void {
    const tally = this.#tallies.get(kind) ?? { count: 0, amount: 0, features: 0, last: '', examples: [] };
    tally.count++;
    tally.amount += amount;
    const name = String(feature);
    if (tally.features === 0 || tally.last !== name) {
      tally.features++;
      tally.last = name;
      if (tally.examples.length < NAMED_FEATURES) tally.examples.push(name);
    }
    this.#tallies.set(kind, tally);
  }

  /** How many of a kind were recorded. */
  count(kind: RepairKind): number {
    return this.#tallies.get(kind)?.count ?? 0;
  }

  /** Total repairs: rings closed, rings with duplicate vertices removed, rings rewound, null geometries dropped. */
  get repairs(): number {
    let total = 0;
    for (const [kind, tally] of this.#tallies) if (repairKinds.has(kind)) total += tally.count;
    return total;
  }

  /** One line per kind, e.g. `closed 3 unclosed rings (features 0, 4, 7)`. */
  notes(): string[] {
    const lines: string[] = [];
    for (const [kind, tally] of this.#tallies) lines.push(`${describe(kind, tally)} (${where(tally)})`);
    return lines;
  }
}

function describe(kind: RepairKind, tally: Tally): string {
  switch (kind) {
    case 'closedRing':
      return `closed ${tally.count} unclosed ring${plural(tally.count)}`;
    case 'duplicateVertices':
      return `removed ${tally.amount} duplicate consecutive vert${tally.amount === 1 ? 'ex' : 'ices'} from ${tally.count} ring${plural(tally.count)}`;
    case 'rewoundRing':
      return `rewound ${tally.count} ring${plural(tally.count)} to RFC 7946 winding, outer counter-clockwise and holes clockwise`;
    case 'nullGeometry':
      return `dropped ${tally.count} feature${plural(tally.count)} with null geometry`;
    case 'skippedNonPolygonal':
      return `skipped ${tally.count} non-polygonal feature${plural(tally.count)}`;
  }
}

function where(tally: Tally): string {
  const named = `${tally.features === 1 ? 'feature' : 'features'} ${tally.examples.join(', ')}`;
  const more = tally.features - tally.examples.length;
  return more > 0 ? `${named} and ${more} more` : named;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
