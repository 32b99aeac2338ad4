/**
 * @module predict/test-support/parse-xml — a strict little XML parser for tests: elements, quoted attributes, the five
 * predefined entities and numeric references, a declaration; anything else (unbalanced tags, bare `&`, `<` in values,
 * duplicate attributes) throws, so "it parses" means "it is well-formed" for the subset our writers produce.
 */

/** A parsed element. */
export type XmlElement = { name: string; attributes: Record<string, string>; children: XmlElement[] };

const NAME = /^[A-Za-z_][\w.:-]*/;

/**
 * Parses a document with one root element (after an optional `<?xml …?>` declaration).
 * @param text - the document
 * @returns the root element
 * @throws Error naming the offset of the first problem
 */
export function parseXml(text: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`XML error at ${at}: ${why} near ${JSON.stringify(text.slice(at, at + 30))}`);
  };
  const skipSpace = (): void => {
    while (at < text.length && /\s/.test(text[at] as string)) at++;
  };
  const decode = (raw: string): string => {
    if (/[<]/.test(raw)) fail('< inside an attribute value');
    return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
      if (ref === undefined) return fail('bare &');
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[ref] !== undefined) return named[ref] as string;
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      if (/^#x[0-9a-f]+$/i.test(ref)) return String.fromCodePoint(parseInt(ref.slice(2), 16));
      return fail(`unknown entity ${m}`);
    });
  };
  const element = (): XmlElement => {
    if (text[at] !== '<') fail('expected <');
    at++;
    const name = NAME.exec(text.slice(at))?.[0] ?? fail('expected a tag name');
    at += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', at)) {
        at += 2;
        return { name, attributes, children: [] };
      }
      if (text[at] === '>') {
        at++;
        break;
      }
      const key = NAME.exec(text.slice(at))?.[0] ?? fail('expected an attribute name');
      at += key.length;
      if (text[at] !== '=') fail('expected =');
      const quote = text[at + 1];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      const end = text.indexOf(quote as string, at + 2);
      if (end < 0) fail('unterminated value');
      if (key in attributes) fail(`duplicate attribute ${key}`);
      attributes[key] = decode(text.slice(at + 2, end));
      at = end + 1;
    }
    const children: XmlElement[] = [];
    for (;;) {
      const next = text.indexOf('<', at);
      if (next < 0) fail(`unclosed <${name}>`);
      if (text.slice(at, next).trim() !== '') fail('text content');
      at = next;
      if (text.startsWith(`</${name}>`, at)) {
        at += name.length + 3;
        return { name, attributes, children };
      }
      if (text.startsWith('</', at)) fail(`mismatched closing tag inside <${name}>`);
      children.push(element());
    }
  };
  skipSpace();
  if (text.startsWith('<?xml', at)) {
    const end = text.indexOf('?>', at);
    if (end < 0) fail('unterminated declaration');
    at = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== text.length) fail('content after the root element');
  return root;
}
