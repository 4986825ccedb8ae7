/**
 * The name rule of spec section 2: how Intacct's `PERSONALINFO.CONTACTNAME` becomes a PSA
 * first and last name.
 */

/** Separator of the "Last, First Middle" form; only the first one splits. */
const COMMA_FORM_SEPARATOR = ',';
const WORD_SEPARATOR = ' ';

export interface PersonName {
  firstName: string;
  lastName: string;
}

/** Trims and turns every run of white space into one space, so spacing typos never matter. */
function collapseWhiteSpace(text: string): string {
  return text.trim().replace(/\s+/g, WORD_SEPARATOR);
}

/**
 * Splits an Intacct contact name into first and last name.
 *
 * 1. Empty contact name: FIRSTNAME / LASTNAME as they are.
 * 2. Comma form "Last, First Middle": split at the first comma.
 * 3. FIRSTNAME and LASTNAME both present and together spelling the contact name
 *    (first-last or last-first): use them, which keeps multi-word last names whole.
 * 4. Otherwise the last word is the last name and the rest the first name;
 *    a single word is the first name with an empty last name.
 *
 * Every part comes back trimmed with its white-space runs collapsed.
 */
export function splitContactName(contactName: string, firstName: string, lastName: string): PersonName {
  const contact = collapseWhiteSpace(contactName);
  const first = collapseWhiteSpace(firstName);
  const last = collapseWhiteSpace(lastName);

  if (contact === '') {
    return { firstName: first, lastName: last };
  }

  const commaAt = contact.indexOf(COMMA_FORM_SEPARATOR);
  if (commaAt >= 0) {
    return {
      firstName: contact.slice(commaAt + COMMA_FORM_SEPARATOR.length).trim(),
      lastName: contact.slice(0, commaAt).trim(),
    };
  }

  const partsSpellContact =
    first !== '' && last !== '' && (`${first}${WORD_SEPARATOR}${last}` === contact || `${last}${WORD_SEPARATOR}${first}` === contact);
  if (partsSpellContact) {
    return { firstName: first, lastName: last };
  }

  const words = contact.split(WORD_SEPARATOR);
  const lastWord = words.pop() ?? '';
  if (words.length === 0) {
    return { firstName: lastWord, lastName: '' };
  }
  return { firstName: words.join(WORD_SEPARATOR), lastName: lastWord };
}
