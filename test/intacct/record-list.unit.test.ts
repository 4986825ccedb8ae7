/**
 * List answers (parseGatewayResponse with maxRecords) read their records straight from the text
 * (record-list.ts) and parse only the envelope. These tests pin that this gives exactly what the
 * full validating parse gives (parseGatewayResponse without maxRecords), for good answers and
 * for every truncated or damaged one, and that the reader gives up rather than guesses.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntacctProtocolError, IntacctTransientError } from '#intacct/errors';
import { readRecordList } from '#intacct/record-list';
import { type IntacctRecord, parseGatewayResponse, readListPage } from '#intacct/xml-response';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/intacct/${name}`, import.meta.url), 'utf8');
}

/** More records than any answer here holds, so the record limit never decides. */
const ROOMY_LIMIT = 5_000;

/** What an answer comes to, as text: the page, or the error's class and message. */
function outcome(read: () => unknown): string {
  try {
    return `page ${JSON.stringify(read())}`;
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

/** Through the full parse: the reference. */
function fullParseOutcome(body: string): string {
  return outcome(() => readListPage(parseGatewayResponse(body).data));
}

/** As a list answer: the records read from the text when it has the plain form. */
function listAnswerOutcome(body: string, maxRecords = ROOMY_LIMIT): string {
  return outcome(() => readListPage(parseGatewayResponse(body, { maxRecords }).data));
}

function recordsOf(body: string): IntacctRecord[] {
  return readListPage(parseGatewayResponse(body, { maxRecords: ROOMY_LIMIT }).data).records;
}

function answer(data: string, declaration = '<?xml version="1.0" encoding="utf-8"?>\n'): string {
  return (
    `${declaration}<response><control><status>success</status></control><operation>` +
    '<authentication><status>success</status></authentication><result><status>success</status>' +
    `<function>query</function><controlid>c1</controlid>${data}</result></operation></response>`
  );
}

function listAnswer(records: string, attributes = ' listtype="CUSTOMER" totalcount="9" offset="0" count="2" numremaining="7"'): string {
  return answer(`<data${attributes}>${records}</data>`);
}

const LIST_FIXTURES = [
  'query-customer-page.xml',
  'query-customer-single.xml',
  'query-employee-page.xml',
  'query-department-indented.xml',
  'readbyquery-department.xml',
  'query-empty.xml',
];

describe('list answers read from the text give what the full parse gives', () => {
  it.each(LIST_FIXTURES)('%s', (name) => {
    const body = fixture(name);

    expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
    expect(readRecordList(body, ROOMY_LIMIT)).toBeDefined();
  });

  it('a 2,000-record page as the emulator renders it, with entities, empty fields and dotted names', () => {
    const records = Array.from(
      { length: 2_000 },
      (_, index) =>
        `<CUSTOMER><RECORDNO>${index + 1}</RECORDNO><CUSTOMERID>C-${String(index).padStart(4, '0')}</CUSTOMERID>` +
        `<NAME>D'Angelo &amp; Sons ${index}</NAME><STATUS>active</STATUS>` +
        `<DISPLAYCONTACT.MAILADDRESS.ADDRESS1>${index} Collins Street</DISPLAYCONTACT.MAILADDRESS.ADDRESS1>` +
        '<DISPLAYCONTACT.MAILADDRESS.ADDRESS2></DISPLAYCONTACT.MAILADDRESS.ADDRESS2>' +
        '<DISPLAYCONTACT.MAILADDRESS.ADDRESS3>Attn: R&amp;amp;D &lt;west&gt;</DISPLAYCONTACT.MAILADDRESS.ADDRESS3>' +
        '<DISPLAYCONTACT.MAILADDRESS.CITY>Ålesund</DISPLAYCONTACT.MAILADDRESS.CITY><DISPLAYCONTACT.MAILADDRESS.ZIP>0800</DISPLAYCONTACT.MAILADDRESS.ZIP>' +
        `<MEGAENTITYID>${index % 3 === 0 ? '' : 'E100'}</MEGAENTITYID><MEGAENTITYNAME/></CUSTOMER>`,
    ).join('');
    const body = listAnswer(records, ' listtype="CUSTOMER" totalcount="20000" offset="0" count="2000" numremaining="18000"');

    expect(listAnswerOutcome(body, 2_000)).toBe(fullParseOutcome(body));
    expect(recordsOf(body)[0]).toEqual({
      RECORDNO: '1',
      CUSTOMERID: 'C-0000',
      NAME: "D'Angelo & Sons 0",
      STATUS: 'active',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': '0 Collins Street',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': '',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': 'Attn: R&amp;D <west>',
      'DISPLAYCONTACT.MAILADDRESS.CITY': 'Ålesund',
      'DISPLAYCONTACT.MAILADDRESS.ZIP': '0800',
      MEGAENTITYID: '',
      MEGAENTITYNAME: '',
    });
  });

  it.each([
    [
      'nested elements flatten to dotted names',
      '<EMPLOYEE><PERSONALINFO><EMAIL1>a@x.io</EMAIL1><CONTACTNAME>Li, Wei</CONTACTNAME></PERSONALINFO></EMPLOYEE>',
    ],
    [
      'repeated elements are numbered',
      '<EMPLOYEE><CONTACT><EMAIL>a</EMAIL><EMAIL>b</EMAIL></CONTACT><NAME>x</NAME><NAME><FIRST>y</FIRST></NAME></EMPLOYEE>',
    ],
    ['whitespace inside a value is kept, layout whitespace is not', '<C>\n  <NAME>  two  spaces </NAME>\n  <CITY>\n</CITY>\n</C>'],
    ['CDATA is text as it stands', '<C><NAME>a <![CDATA[&amp; <b>]]> c &amp; d</NAME><EMPTY><![CDATA[]]></EMPTY></C>'],
    ['only the XML-defined references are decoded', '<C><NAME>&nbsp;&#65;&#x42;&#0;&#xD800;&amp;amp;</NAME></C>'],
    ['CR LF and CR read as LF', '<C><NAME>one\r\ntwo\rthree</NAME></C>\r\n'],
    ['an element with text and child elements keeps the children', '<C><ADDRESS>text<CITY>Oslo</CITY>more</ADDRESS></C>'],
    ['a record without child elements is a record without fields', '<C>just text</C><C/><C></C>'],
    ['records are grouped by element name', '<A><N>1</N></A><B><N>2</N></B><A><N>3</N></A>'],
    ['an element named like the list element inside a record', '<C><data>inner</data></C>'],
    ['attributes inside a record (read by the full parse)', '<C kind="x"><NAME lang="en">n</NAME></C>'],
    ['a comment inside a record (read by the full parse)', '<C><NAME>a<!-- note -->b</NAME></C>'],
    ['a processing instruction inside a record (read by the full parse)', '<C><NAME>a</NAME><?note x?></C>'],
    ['names that are object properties (read by the full parse)', '<C><constructor>a</constructor><toString>b</toString></C>'],
  ])('%s', (_, records) => {
    const body = listAnswer(records);

    expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
  });

  it('reads nested, repeated and CDATA fields as the full parse names them', () => {
    const body = listAnswer(
      '<EMPLOYEE><PERSONALINFO><EMAIL1>a@x.io</EMAIL1></PERSONALINFO><CONTACT><EMAIL>a</EMAIL><EMAIL>b</EMAIL></CONTACT><NOTE><![CDATA[<&>]]></NOTE></EMPLOYEE>',
    );

    expect(recordsOf(body)).toEqual([{ 'PERSONALINFO.EMAIL1': 'a@x.io', 'CONTACT.EMAIL.0': 'a', 'CONTACT.EMAIL.1': 'b', NOTE: '<&>' }]);
  });

  it('an empty list, self-closing or not', () => {
    for (const body of [answer('<data totalcount="0" numremaining="0"/>'), answer('<data totalcount="0" numremaining="0">\n</data>')]) {
      expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
      expect(recordsOf(body)).toEqual([]);
    }
  });
});

describe('damaged list answers are refused exactly as the full parse refuses them', () => {
  it('truncation at every offset is transient, never a page', () => {
    const body = listAnswer('<C><NAME>R&amp;D</NAME><CITY/><X><Y>1</Y></X></C><C><NAME><![CDATA[a]]></NAME></C>');
    const wholeUpTo = body.lastIndexOf('</response>') + '</response>'.length;

    for (let end = 0; end < wholeUpTo; end += 1) {
      const truncated = body.slice(0, end);
      const error = (() => {
        try {
          parseGatewayResponse(truncated, { maxRecords: ROOMY_LIMIT });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();

      expect(error, `cut at ${end}`).toBeInstanceOf(IntacctTransientError);
      expect(listAnswerOutcome(truncated)).toBe(fullParseOutcome(truncated));
    }
  });

  it('truncation at every offset of each fixture gives the full parse outcome', () => {
    for (const name of LIST_FIXTURES) {
      const body = fixture(name);
      for (let end = 0; end <= body.length; end += 1) {
        const truncated = body.slice(0, end);
        expect(listAnswerOutcome(truncated), `${name} cut at ${end}`).toBe(fullParseOutcome(truncated));
      }
    }
  });

  it.each([
    ['a mismatched end tag inside a record', '<C><NAME>a</NAMe></C>'],
    ['a missing end tag inside a record', '<C><NAME>a</C>'],
    ['a stray ampersand', '<C><NAME>R&D</NAME></C>'],
    ['a stray ampersand between records', '<C/> & <C/>'],
    ['a reference without its semicolon', '<C><NAME>&amp</NAME></C>'],
    ['an unclosed CDATA section', '<C><NAME><![CDATA[a</NAME></C>'],
    ['an unclosed comment', '<C><NAME>a<!-- </NAME></C>'],
    ['an invalid element name', '<C><1NAME>a</1NAME></C>'],
    ['a space after the element name', '<C><NAME >a</NAME></C>'],
    ['a start tag that never ends', '<C><NAME a</C>'],
  ])('%s', (_, records) => {
    const body = listAnswer(records);

    expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
  });

  it.each([
    ['a mismatched end tag after the records', (body: string) => body.replace('</result>', '</rezult>')],
    ['a second root element', (body: string) => `${body}<response/>`],
    ['text after the root', (body: string) => `${body}junk`],
    ['an unclosed element after the records', (body: string) => body.replace('</operation>', '<operation>')],
    ['a duplicated attribute on <data>', (body: string) => body.replace('<data ', '<data count="1" ')],
    ['a second <data> in the result', (body: string) => body.replace('</data>', '</data><data numremaining="0"/>')],
    ['a second <operation>', (body: string) => body.replace('</response>', '<operation/></response>')],
  ])('%s', (_, damage) => {
    const body = damage(listAnswer('<C><NAME>a</NAME></C>'));

    expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
  });

  it('more records than asked for are refused as before, and a malformed answer is still transient first', () => {
    const three = listAnswer('<C><N>1</N></C><C><N>2</N></C><C><N>3</N></C>');

    expect(listAnswerOutcome(three, 2)).toBe('IntacctProtocolError: Intacct answered with more than the 2 records asked for; refused');
    expect(listAnswerOutcome(three, 3)).toBe(fullParseOutcome(three));
    const malformed = three.replace('</response>', '</respons>');
    const error = (() => {
      try {
        parseGatewayResponse(malformed, { maxRecords: 2 });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(IntacctTransientError);
    expect(error).not.toBeInstanceOf(IntacctProtocolError);
  });

  it('children of any other <data> count toward the limit, as the full count does', () => {
    const body = listAnswer('<C><N>1</N></C><C><N>2</N></C>').replace('</control>', '<data><X/></data></control>');

    expect(listAnswerOutcome(body, 2)).toBe('IntacctProtocolError: Intacct answered with more than the 2 records asked for; refused');
    expect(listAnswerOutcome(body, 3)).toBe(fullParseOutcome(body));
  });
});

describe('the reader gives up rather than guesses', () => {
  it.each([
    ['a comment', '<C><!-- x --></C>'],
    ['a processing instruction', '<C><?x y?></C>'],
    ['an attribute', '<C a="1"/>'],
    ['a name with a colon', '<C><x:NAME>a</x:NAME></C>'],
    ['a prototype property name', '<C><__proto__>a</__proto__></C>'],
    ['nesting deeper than any record', `<C>${'<N>'.repeat(20)}${'</N>'.repeat(20)}</C>`],
  ])('%s', (_, records) => {
    expect(readRecordList(listAnswer(records), ROOMY_LIMIT)).toBeUndefined();
  });

  it('more records than the limit', () => {
    expect(readRecordList(listAnswer('<C/><C/><C/>'), 2)).toBeUndefined();
    expect(readRecordList(listAnswer('<C/><C/><C/>'), 3)?.records).toHaveLength(3);
  });

  it('records anywhere but the first result of the first operation', () => {
    const inSecondResult = answer('</result><result><status>success</status><data numremaining="0"><C/></data>');

    expect(readRecordList(inSecondResult, ROOMY_LIMIT)).toBeUndefined();
    expect(readRecordList('<?xml version="1.0"?><response><data numremaining="0"><C/></data></response>', ROOMY_LIMIT)).toBeUndefined();
  });

  it('a comment, CDATA or processing instruction in the envelope', () => {
    const body = listAnswer('<C/>');

    expect(readRecordList(body.replace('<operation>', '<!-- <data> --><operation>'), ROOMY_LIMIT)).toBeUndefined();
    expect(readRecordList(body.replace('<status>', '<status><![CDATA[<data>]]>'), ROOMY_LIMIT)).toBeUndefined();
    expect(readRecordList(body.replace('<response>', '<?pi <data>?><response>'), ROOMY_LIMIT)).toBeUndefined();
  });

  it('a truncated record list, at every offset', () => {
    const body = listAnswer('<C><NAME>a&amp;b</NAME><X><Y/></X></C><C><![CDATA[z]]></C>');
    const end = body.indexOf('</data>');

    for (let cut = 0; cut <= end; cut += 1) expect(readRecordList(body.slice(0, cut), ROOMY_LIMIT), `cut at ${cut}`).toBeUndefined();
  });
});

describe('any list answer, damaged or not, gives the full parse outcome (property)', () => {
  const name = fc.constantFrom(
    'NAME',
    'RECORDNO',
    'CONTACT',
    'EMAIL1',
    'PERSONALINFO.EMAIL1',
    'DISPLAYCONTACT.MAILADDRESS.CITY',
    'x_y',
    'a-b',
    'data',
    'constructor',
  );
  const textPiece = fc.constantFrom(
    'plain',
    ' ',
    '\n  ',
    '&amp;',
    '&lt;x&gt;',
    '&#39;',
    '&#x41;',
    '&nbsp;',
    '&#0;',
    "D'Arcy",
    'Å',
    '"q"',
    ']]>',
    '\r\n',
    '>',
    '',
  );
  const text = fc.array(textPiece, { maxLength: 3 }).map((pieces) => pieces.join(''));
  const characterData = text.map((value) => `<![CDATA[${value.replaceAll(']]>', '')}<&>]]>`);
  const leaf = fc
    .tuple(name, fc.array(fc.oneof(text, characterData), { maxLength: 3 }), fc.boolean())
    .map(([element, parts, selfClosing]) => (selfClosing && parts.length === 0 ? `<${element}/>` : `<${element}>${parts.join('')}</${element}>`));
  const { field } = fc.letrec<{ field: string }>((tie) => ({
    field: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'field' },
      leaf,
      fc
        .tuple(name, fc.array(tie('field'), { maxLength: 3 }), text)
        .map(([element, children, layout]) => `<${element}>${layout}${children.join(layout)}</${element}>`),
    ),
  }));
  const record = fc
    .tuple(fc.constantFrom('CUSTOMER', 'EMPLOYEE'), fc.array(field, { maxLength: 5 }), fc.constantFrom('', '\n  '))
    .map(([element, fields, layout]) => (fields.length === 0 ? `<${element}/>` : `<${element}>${layout}${fields.join(layout)}</${element}>`));
  const attributes = fc.constantFrom(' totalcount="9" numremaining="2"', ' numremaining="0" resultId="r1"', '', ' numremaining=\'0\' note="a > b"');
  const listBody = fc
    .tuple(fc.array(record, { maxLength: 4 }), attributes, fc.constantFrom('', '\n'))
    .map(([records, dataAttributes, layout]) => listAnswer(`${layout}${records.join(layout)}${layout}`, dataAttributes));
  const damage = fc.tuple(
    fc.nat(),
    fc.nat({ max: 4 }),
    fc.constantFrom(
      '',
      '<',
      '>',
      '&',
      '/',
      '"',
      ';',
      ']]>',
      '<!-- c -->',
      '<?p?>',
      '<![CDATA[',
      '</NAME>',
      '<NAME>',
      '</data>',
      '<data>',
      ' a="1"',
      '\r',
      'x',
    ),
  );

  it('whole answers', () => {
    fc.assert(
      fc.property(listBody, (body) => {
        expect(listAnswerOutcome(body)).toBe(fullParseOutcome(body));
      }),
      { numRuns: 400 },
    );
  });

  it('answers with characters cut or inserted', () => {
    fc.assert(
      fc.property(listBody, fc.array(damage, { minLength: 1, maxLength: 3 }), (body, damages) => {
        let damaged = body;
        for (const [at, cut, insert] of damages) {
          const position = at % (damaged.length + 1);
          damaged = damaged.slice(0, position) + insert + damaged.slice(position + cut);
        }
        expect(listAnswerOutcome(damaged)).toBe(fullParseOutcome(damaged));
      }),
      { numRuns: 1_500 },
    );
  });
});
