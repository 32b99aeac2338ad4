/** @module ml/report/svg — tiny helpers to write SVG markup as strings: escaping, elements, number formatting. */

/** Attribute values of an SVG element; `undefined` leaves the attribute out. */
export type SvgAttributes = Readonly<Record<string, string | number | undefined>>;

/** The font every chart uses (installed on the servers; librsvg falls back to a sans font elsewhere). */
export const CHART_FONT = 'DejaVu Sans, Verdana, sans-serif';

/**
 * Escapes text for SVG content and attribute values.
 * @param text - any text
 * @returns the text with `& < > " '` replaced by entities
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Rounds a coordinate to 0.01 px so the markup stays short. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/**
 * Writes one element.
 * @param tag - element name
 * @param attributes - attributes (numbers written with {@link px}, undefined ones left out)
 * @param children - inner markup (already escaped), default none (self-closing)
 * @returns the markup
 */
export function element(tag: string, attributes: SvgAttributes, children?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? px(v) : escapeXml(v)}"`)
    .join('');
  return children === undefined ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${children}</${tag}>`;
}

/**
 * Writes a text element.
 * @param x - anchor x
 * @param y - baseline y
 * @param text - plain text (escaped here)
 * @param attributes - further attributes, e.g. `font-size`, `text-anchor`, `fill`
 */
export function textElement(x: number, y: number, text: string, attributes: SvgAttributes = {}): string {
  return element('text', { x, y, ...attributes }, escapeXml(text));
}

/**
 * Wraps markup into a complete SVG document with a white background.
 * @param width - width in px
 * @param height - height in px
 * @param body - the inner markup
 */
export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}">` +
    element('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }) +
    body +
    '</svg>'
  );
}

/**
 * Formats a number for an axis label or legend: integers as they are, magnitudes below 0.001 or from 100 000 in
 * exponent form (`5e-4`, `2.5e-5`), otherwise up to `decimals` decimals without trailing zeros.
 * @param value - the number
 * @param decimals - most decimals of the plain form, default 3
 */
export function formatNumber(value: number, decimals = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    const trimmed = String(Number(mantissa));
    return `${trimmed}e${Number(exponent)}`;
  }
  return String(Number(value.toFixed(decimals)));
}
