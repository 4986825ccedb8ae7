import type { CompareOperator, Condition } from './conditions';
import { FunctionFailure, QUERY_FAILED, withSupportId } from './errors';
import type { ObjectSchema } from './schema';
import { canonicalField } from './schema';

/**
 * Parser for readByQuery's SQL-like query text:
 *   NAME = 'Jane\'s Deli' AND (STATUS = 'T' OR RECORDNO IN (1, 2)) AND PARENTID IS NULL
 * Comparisons = != <> < > <= >=, [NOT] LIKE, [NOT] IN (...), IS [NOT] NULL, AND, OR, parentheses.
 * Strings are single-quoted with backslash escapes (a doubled quote works too). AND binds tighter than OR.
 */

type Token =
  | { type: 'word'; text: string; position: number }
  | { type: 'string'; text: string; position: number }
  | { type: 'number'; text: string; position: number }
  | { type: 'symbol'; text: string; position: number };

const SYMBOLS = ['<=', '>=', '<>', '!=', '=', '<', '>', '(', ')', ','];
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_.]/;
const NUMBER_START = /[-0-9]/;
const NUMBER_PART = /[0-9.]/;

const COMPARISONS: Record<string, CompareOperator> = {
  '=': 'equalto',
  '!=': 'notequalto',
  '<>': 'notequalto',
  '<': 'lessthan',
  '<=': 'lessthanorequalto',
  '>': 'greaterthan',
  '>=': 'greaterthanorequalto',
};

/** readByQuery takes booleans and enums as 'T'/'F' even though STATUS reads back as active/inactive. */
const STATUS_FLAGS: Record<string, string> = { T: 'active', F: 'inactive' };

function syntaxError(message: string, position: number): FunctionFailure {
  return new FunctionFailure(QUERY_FAILED, withSupportId(`Invalid query: ${message} at position ${position}`), 'Check the syntax of your query.');
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const start = index;
    if (char === "'" || char === '"') {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= text.length) throw syntaxError('unterminated string', start);
        const current = text[index] as string;
        if (current === '\\' && index + 1 < text.length) {
          value += text[index + 1];
          index += 2;
        } else if (current === char && text[index + 1] === char) {
          value += char;
          index += 2;
        } else if (current === char) {
          index += 1;
          break;
        } else {
          value += current;
          index += 1;
        }
      }
      tokens.push({ type: 'string', text: value, position: start });
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, index));
    if (symbol) {
      tokens.push({ type: 'symbol', text: symbol, position: start });
      index += symbol.length;
      continue;
    }
    if (WORD_START.test(char)) {
      while (index < text.length && WORD_PART.test(text[index] as string)) index += 1;
      tokens.push({ type: 'word', text: text.slice(start, index), position: start });
      continue;
    }
    if (NUMBER_START.test(char)) {
      index += 1;
      while (index < text.length && NUMBER_PART.test(text[index] as string)) index += 1;
      tokens.push({ type: 'number', text: text.slice(start, index), position: start });
      continue;
    }
    throw syntaxError(`unexpected character '${char}'`, start);
  }
  return tokens;
}

class QueryTextParser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly schema: ObjectSchema,
    private readonly textLength: number,
  ) {}

  parse(): Condition {
    const condition = this.parseOr();
    const extra = this.peek();
    if (extra) throw syntaxError(`unexpected '${extra.text}'`, extra.position);
    return condition;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private take(): Token {
    const token = this.tokens[this.index];
    if (!token) throw syntaxError('unexpected end of query', this.textLength);
    this.index += 1;
    return token;
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.type === 'word' && token.text.toUpperCase() === keyword;
  }

  private takeKeyword(keyword: string): void {
    const token = this.take();
    if (!this.isKeyword(token, keyword)) throw syntaxError(`expected ${keyword}`, token.position);
  }

  private takeSymbol(symbol: string): void {
    const token = this.take();
    if (token.type !== 'symbol' || token.text !== symbol) throw syntaxError(`expected '${symbol}'`, token.position);
  }

  private parseOr(): Condition {
    const parts = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'OR')) {
      this.index += 1;
      parts.push(this.parseAnd());
    }
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'or', conditions: parts };
  }

  private parseAnd(): Condition {
    const parts = [this.parsePrimary()];
    while (this.isKeyword(this.peek(), 'AND')) {
      this.index += 1;
      parts.push(this.parsePrimary());
    }
    return parts.length === 1 ? (parts[0] as Condition) : { kind: 'and', conditions: parts };
  }

  private parsePrimary(): Condition {
    const token = this.take();
    if (token.type === 'symbol' && token.text === '(') {
      const inner = this.parseOr();
      this.takeSymbol(')');
      return inner;
    }
    if (token.type !== 'word') throw syntaxError(`expected a field name, got '${token.text}'`, token.position);
    const field = canonicalField(this.schema, token.text);
    if (!field) {
      throw new FunctionFailure(
        QUERY_FAILED,
        withSupportId(`Invalid field: ${token.text} on object ${this.schema.name}`),
        'Check the field names in your query.',
      );
    }
    return this.parsePredicate(field);
  }

  private parsePredicate(field: string): Condition {
    const token = this.take();
    const compare = (operator: CompareOperator, values: string[]): Condition => ({
      kind: 'compare',
      operator,
      field,
      values: field === 'STATUS' ? values.map((value) => STATUS_FLAGS[value] ?? value) : values,
    });
    if (token.type === 'symbol' && COMPARISONS[token.text]) {
      return compare(COMPARISONS[token.text] as CompareOperator, [this.parseValue()]);
    }
    if (this.isKeyword(token, 'IS')) {
      const negated = this.isKeyword(this.peek(), 'NOT');
      if (negated) this.index += 1;
      this.takeKeyword('NULL');
      return compare(negated ? 'isnotnull' : 'isnull', []);
    }
    const negated = this.isKeyword(token, 'NOT');
    const keywordToken = negated ? this.take() : token;
    if (this.isKeyword(keywordToken, 'LIKE')) return compare(negated ? 'notlike' : 'like', [this.parseValue()]);
    if (this.isKeyword(keywordToken, 'IN')) return compare(negated ? 'notin' : 'in', this.parseValueList());
    throw syntaxError(`expected an operator after ${field}`, keywordToken.position);
  }

  private parseValue(): string {
    const token = this.take();
    if (token.type === 'string' || token.type === 'number') return token.text;
    throw syntaxError(`expected a value, got '${token.text}'`, token.position);
  }

  private parseValueList(): string[] {
    this.takeSymbol('(');
    const values = [this.parseValue()];
    for (;;) {
      const token = this.take();
      if (token.type === 'symbol' && token.text === ')') return values;
      if (token.type !== 'symbol' || token.text !== ',') throw syntaxError(`expected ',' or ')'`, token.position);
      values.push(this.parseValue());
    }
  }
}

/** Parses readByQuery query text into a condition; empty text means no filter (undefined). */
export function parseQueryText(schema: ObjectSchema, text: string): Condition | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;
  return new QueryTextParser(tokens, schema, text.length).parse();
}
