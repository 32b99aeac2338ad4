/**
 * @module tracking/filter-tokens — the tokenizer of MLflow's search filter and order_by strings (a small subset of
 * SQL): words, `backquoted` and "double-quoted" names, 'strings', numbers, comparison operators and punctuation.
 */

/** One token; `pos` is its 0-based offset in the source string. */
export type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'backquoted'; text: string; pos: number }
  | { kind: 'string'; text: string; quote: "'" | '"'; pos: number }
  | { kind: 'number'; text: string; value: number; pos: number }
  | { kind: 'op'; text: '=' | '!=' | '<' | '<=' | '>' | '>='; pos: number }
  | { kind: 'dot' | 'lparen' | 'rparen' | 'comma' | 'end'; text: string; pos: number };

/** A syntax error at a position, turned into a one-line message by the parser. */
export class FilterSyntaxError extends Error {
  readonly pos: number;

  /**
   * @param message - what is wrong, without the position
   * @param pos - 0-based offset in the source
   */
  constructor(message: string, pos: number) {
    super(message);
    this.name = 'FilterSyntaxError';
    this.pos = pos;
  }
}

const numberPattern = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const wordPattern = /[A-Za-z_][A-Za-z0-9_]*/y;
const punctuation: Record<string, 'dot' | 'lparen' | 'rparen' | 'comma'> = {
  '.': 'dot',
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
};

/**
 * Splits a filter or order_by string into tokens, ending with an `end` token.
 * @param source - the string
 * @returns the tokens
 * @throws FilterSyntaxError for an unterminated quote or a character that starts no token
 */
export function tokenizeFilter(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const token = readToken(source, i, c);
    tokens.push(token.token);
    i = token.next;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

function readToken(source: string, i: number, c: string): { token: Token; next: number } {
  if (c === "'" || c === '"' || c === '`') return readQuoted(source, i, c);
  const punct = punctuation[c];
  if (punct !== undefined && !(c === '.' && /\d/.test(source[i + 1] ?? ''))) {
    return { token: { kind: punct, text: c, pos: i }, next: i + 1 };
  }
  const op = /^(?:!=|<=|>=|=|<|>)/.exec(source.slice(i, i + 2))?.[0];
  if (op !== undefined) {
    return {
      token: { kind: 'op', text: op as '=' | '!=' | '<' | '<=' | '>' | '>=', pos: i },
      next: i + op.length,
    };
  }
  numberPattern.lastIndex = i;
  const number = numberPattern.exec(source)?.[0];
  if (number !== undefined) {
    return {
      token: { kind: 'number', text: number, value: Number(number), pos: i },
      next: i + number.length,
    };
  }
  wordPattern.lastIndex = i;
  const word = wordPattern.exec(source)?.[0];
  if (word !== undefined) return { token: { kind: 'word', text: word, pos: i }, next: i + word.length };
  throw new FilterSyntaxError(`unexpected character ${JSON.stringify(c)}`, i);
}

/** A quoted run; a doubled quote character inside stands for itself (SQL style). */
function readQuoted(source: string, start: number, quote: "'" | '"' | '`'): { token: Token; next: number } {
  let text = '';
  let i = start + 1;
  for (;;) {
    const end = source.indexOf(quote, i);
    if (end < 0) throw new FilterSyntaxError(`unterminated ${quote} quote`, start);
    text += source.slice(i, end);
    if (source[end + 1] === quote) {
      text += quote;
      i = end + 2;
      continue;
    }
    const token: Token =
      quote === '`' ? { kind: 'backquoted', text, pos: start } : { kind: 'string', text, quote, pos: start };
    return { token, next: end + 1 };
  }
}
