/** @module synthetic/roof-style — roof materials, forms and colours of an East-African peri-urban settlement. */
import type { Random } from './random.ts';

/** Form of a roof, which decides how it is lit. */
export type RoofForm = 'gable' | 'hip' | 'shed' | 'flat';
/** Roofing material, which decides its texture. */
export type RoofMaterial = 'metal' | 'tile' | 'concrete';
/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** How one roof looks. */
export type RoofStyle = {
  readonly form: RoofForm;
  readonly material: RoofMaterial;
  /** Base colour before lighting and texture. */
  readonly colour: Rgb;
  /** For shed roofs: which way the single slope falls (+1 or −1 along the part's short axis). */
  readonly slopeSign: 1 | -1;
  /** Period of the visible sheet seams on metal roofs, metres. */
  readonly seamPeriod: number;
};

/** Corrugated iron as seen from above: mostly galvanised grey and rust, some painted sheets. */
const METAL_COLOURS: readonly Rgb[] = [
  [164, 166, 164], // galvanised
  [146, 149, 150],
  [184, 185, 181], // new sheets
  [124, 126, 126],
  [136, 104, 84], // rusted
  [118, 92, 76],
  [150, 116, 92],
  [108, 84, 70],
  [84, 106, 128], // painted blue
  [96, 116, 100], // painted green
  [128, 70, 62], // painted maroon
];
const TILE_COLOURS: readonly Rgb[] = [
  [168, 96, 72],
  [180, 114, 84],
  [150, 86, 68],
  [188, 128, 98],
];
const CONCRETE_COLOURS: readonly Rgb[] = [
  [198, 192, 182],
  [176, 172, 164],
  [210, 204, 192],
  [184, 176, 164],
];

function jitterColour(random: Random, colour: Rgb, amount: number): Rgb {
  const scale = 1 + random.range(-amount, amount);
  return [colour[0] * scale, colour[1] * scale, colour[2] * scale].map((c) =>
    Math.max(0, Math.min(255, c + random.range(-5, 5))),
  ) as unknown as Rgb;
}

/**
 * Draws a roof for a building of the given footprint area (m²): large footprints lean to flat concrete.
 * @param random - the block's generator
 * @param area - footprint area in m²
 * @param like - a neighbour's roof to copy the material of (terraces are often roofed alike), default none
 */
export function drawRoofStyle(random: Random, area: number, like?: RoofStyle): RoofStyle {
  const concreteChance = area > 180 ? 0.55 : area > 90 ? 0.25 : 0.12;
  const draw = random.next();
  const material: RoofMaterial =
    like !== undefined && random.chance(0.5)
      ? like.material
      : draw < concreteChance
        ? 'concrete'
        : draw < concreteChance + 0.12
          ? 'tile'
          : 'metal';
  const slopeSign: 1 | -1 = random.chance(0.5) ? 1 : -1;
  const seamPeriod = random.range(0.8, 1.1);
  if (material === 'concrete')
    return {
      form: 'flat',
      material,
      colour: jitterColour(random, random.pick(CONCRETE_COLOURS), 0.06),
      slopeSign,
      seamPeriod,
    };
  if (material === 'tile') {
    const form: RoofForm = random.chance(0.6) ? 'hip' : 'gable';
    return {
      form,
      material,
      colour: jitterColour(random, random.pick(TILE_COLOURS), 0.07),
      slopeSign,
      seamPeriod,
    };
  }
  const f = random.next();
  const form: RoofForm = f < 0.62 ? 'gable' : f < 0.77 ? 'hip' : 'shed';
  const base =
    like !== undefined && like.material === 'metal' && random.chance(0.35)
      ? like.colour
      : random.pick(METAL_COLOURS);
  return { form, material, colour: jitterColour(random, base, 0.08), slopeSign, seamPeriod };
}

/** Building height in metres for a footprint area and roof: mostly single storey, some 2–4 storeys. */
export function drawHeight(random: Random, area: number, roof: RoofStyle): number {
  const storeys =
    roof.material === 'concrete'
      ? area > 150
        ? random.int(2, 4)
        : random.int(1, 3)
      : random.chance(0.08)
        ? 2
        : 1;
  return storeys * random.range(2.8, 3.3) + (roof.form === 'flat' ? 0.4 : 1.2);
}
