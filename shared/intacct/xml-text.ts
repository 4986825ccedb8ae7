/** Text inside Intacct's XML answers: the references XML itself defines, and nothing else. */

const STANDARD_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ENTITY_REFERENCE = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/g;
const DECIMAL = 10;
const HEXADECIMAL = 16;
const MAX_CODE_POINT = 0x10ffff;
const FIRST_SURROGATE = 0xd800;
const LAST_SURROGATE = 0xdfff;

/** A character reference's character, or the reference untouched when it names no legal character. */
function decodeCodePoint(reference: string, codePoint: number): string {
  const isSurrogate = codePoint >= FIRST_SURROGATE && codePoint <= LAST_SURROGATE;
  return codePoint > 0 && codePoint <= MAX_CODE_POINT && !isSurrogate ? String.fromCodePoint(codePoint) : reference;
}

/**
 * Decodes only what XML itself defines (the five named entities and character references), in one
 * pass so `&amp;lt;` becomes `&lt;` and nothing more. Declared entities are never honoured.
 */
export function decodeStandardEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY_REFERENCE, (reference, named?: string, decimal?: string, hex?: string) => {
    if (named !== undefined) return STANDARD_ENTITIES[named] ?? reference;
    if (decimal !== undefined) return decodeCodePoint(reference, Number.parseInt(decimal, DECIMAL));
    if (hex !== undefined) return decodeCodePoint(reference, Number.parseInt(hex, HEXADECIMAL));
    return reference;
  });
}
