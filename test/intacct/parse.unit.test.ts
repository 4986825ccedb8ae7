import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IntacctAuthenticationError, IntacctPermissionError, IntacctProtocolError, IntacctQueryError, IntacctTransientError } from '#intacct/errors';
import { exceedsRecordLimit, parseGatewayResponse, readApiSession, readListPage } from '#intacct/xml-response';
import { decodeStandardEntities } from '#intacct/xml-text';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/intacct/${name}`, import.meta.url), 'utf8');
}

function listPage(name: string) {
  return readListPage(parseGatewayResponse(fixture(name)).data);
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('list answers', () => {
  it('keeps two records as a list with paging attributes', () => {
    const page = listPage('query-customer-page.xml');

    expect(page.records).toHaveLength(2);
    expect(page).toMatchObject({ totalCount: 3, offset: 0, count: 2, numRemaining: 1 });
    expect(page.resultId).toBeUndefined();
  });

  it('keeps one record as a list', () => {
    const page = listPage('query-customer-single.xml');

    expect(Array.isArray(page.records)).toBe(true);
    expect(page.records).toHaveLength(1);
    expect(page).toMatchObject({ totalCount: 3, offset: 2, numRemaining: 0 });
  });

  it('gives an empty list for a self-closing data element', () => {
    const page = listPage('query-empty.xml');

    expect(page.records).toEqual([]);
    expect(page).toMatchObject({ totalCount: 0, numRemaining: 0 });
  });

  it('keeps values as text: leading zeros, dotted names, empty elements as empty strings', () => {
    const [beacon, kaffe] = listPage('query-customer-page.xml').records;

    expect(beacon?.['DISPLAYCONTACT.MAILADDRESS.ZIP']).toBe('02110');
    expect(beacon?.RECORDNO).toBe('104');
    expect(kaffe?.['DISPLAYCONTACT.MAILADDRESS.ADDRESS2']).toBe('');
    expect(kaffe?.['DISPLAYCONTACT.MAILADDRESS.ADDRESS3']).toBe('');
    expect(kaffe?.STATUS).toBe('inactive');
  });

  it('decodes &amp; exactly once', () => {
    const [beacon] = listPage('query-customer-page.xml').records;

    expect(beacon?.NAME).toBe('Beacon & Wharf Logistics');
    expect(beacon?.['DISPLAYCONTACT.MAILADDRESS.ADDRESS3']).toBe('Attn: R&amp;D');
  });

  it('decodes escaped angle brackets and apostrophes', () => {
    const [darcy] = listPage('query-customer-single.xml').records;

    expect(darcy?.NAME).toBe("D'Arcy <Print> Works");
    expect(darcy?.['DISPLAYCONTACT.MAILADDRESS.ADDRESS1']).toBe("7 Merchant's Quay");
    expect(darcy?.['DISPLAYCONTACT.MAILADDRESS.ZIP']).toBe('H91 E2K7');
  });

  it('passes non-ASCII text through unchanged', () => {
    const [, kaffe] = listPage('query-customer-page.xml').records;
    const [, jose] = listPage('query-employee-page.xml').records;

    expect(kaffe?.['DISPLAYCONTACT.MAILADDRESS.CITY']).toBe('Ålesund');
    expect(jose?.['PERSONALINFO.FIRSTNAME']).toBe('José Luis');
  });

  it('reads employee fields with empty title, department and start date', () => {
    const [haruto, jose] = listPage('query-employee-page.xml').records;

    expect(haruto).toMatchObject({ EMPLOYEEID: 'EMP-0041', STARTDATE: '03/01/2021', 'PERSONALINFO.CONTACTNAME': 'Nakamura, Haruto' });
    expect(jose).toMatchObject({ TITLE: '', DEPARTMENTID: '', STARTDATE: '', 'PERSONALINFO.LASTNAME': 'de la Fuente' });
  });

  it('reads readByQuery lower-case records and the resultId', () => {
    const result = parseGatewayResponse(fixture('readbyquery-department.xml'));
    const page = readListPage(result.data);

    expect(result.functionName).toBe('readByQuery');
    expect(page.resultId).toBe('8811240057Xk2pQmRtA9IAAFoxhcwAAAAM3');
    expect(page.records.map((record) => record.DEPARTMENTID)).toEqual(['ENG', 'OPS']);
    expect(page.records[1]?.TITLE).toBe('Operations & Facilities');
    expect(page).toMatchObject({ totalCount: 3, numRemaining: 1 });
  });

  it('ignores layout whitespace of an indented answer but keeps the one record a list', () => {
    const page = listPage('query-department-indented.xml');

    expect(page.records).toEqual([
      { RECORDNO: '12', DEPARTMENTID: 'QA', TITLE: 'Quality Assurance', PARENTID: '', STATUS: 'active', WHENMODIFIED: '05/05/2025 09:00:00' },
    ]);
  });

  it('refuses a list answer without numremaining rather than ending the listing', () => {
    const body = fixture('query-customer-page.xml').replace(' numremaining="1"', '');

    expect(thrownBy(() => readListPage(parseGatewayResponse(body).data))).toBeInstanceOf(IntacctProtocolError);
  });
});

describe('getAPISession answer', () => {
  it('reads session id and endpoint despite blank lines before <response>', () => {
    const result = parseGatewayResponse(fixture('get-api-session.xml'));

    expect(readApiSession(result.data)).toEqual({
      sessionId: 'Qm9ndXNTZXNzaW9uSWQtTGFrZXNpZGU.',
      endpoint: 'https://api.intacct.com/ia/xml/xmlgw.phtml',
      locationId: '',
    });
  });
});

describe('error answers at each status level', () => {
  it('control-level failure (bad sender) is an authentication error, not retryable', () => {
    const error = thrownBy(() => parseGatewayResponse(fixture('error-control-sender.xml')));

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(error).toMatchObject({ kind: 'authentication', errorno: 'XL03000006', retryable: false });
    expect((error as Error).message).toContain('Partner ID');
  });

  it('authentication-level failure (bad login) is an authentication error, not retryable', () => {
    const error = thrownBy(() => parseGatewayResponse(fixture('error-authentication.xml')));

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(error).toMatchObject({ errorno: 'XL03000006', retryable: false });
  });

  it('result-level failure carries errorno, description2 with Support ID, and correction', () => {
    const error = thrownBy(() => parseGatewayResponse(fixture('error-result-query.xml')));

    expect(error).toBeInstanceOf(IntacctQueryError);
    expect(error).toMatchObject({
      kind: 'query',
      errorno: 'Query Failed',
      description2: 'Invalid field: CUSTNAME on object CUSTOMER [Support ID: Lk7Rw%7EpQ2sT4uV6wX8yZ0aB1cD3eF]',
      correction: 'Check the field names in your select list.',
      retryable: false,
    });
  });

  it('result-level PL04000005 is a permission error', () => {
    const error = thrownBy(() => parseGatewayResponse(fixture('error-result-permission.xml')));

    expect(error).toBeInstanceOf(IntacctPermissionError);
    expect(error).toMatchObject({ errorno: 'PL04000005', description2: '[Support ID: Mn8Sx%7EqR3tU5vW7xY9zA1bC2dE4fG]' });
  });

  it('an aborted result rolled back (XL03000009) is a retryable query error', () => {
    const error = thrownBy(() => parseGatewayResponse(fixture('error-result-rolled-back.xml')));

    expect(error).toBeInstanceOf(IntacctQueryError);
    expect(error).toMatchObject({ errorno: 'XL03000009', retryable: true });
  });
});

describe('answers that are not usable XML', () => {
  it('a Cloudflare HTML page is transient', () => {
    expect(thrownBy(() => parseGatewayResponse(fixture('cloudflare-524.html')))).toBeInstanceOf(IntacctTransientError);
  });

  it('an empty body is transient', () => {
    expect(thrownBy(() => parseGatewayResponse(''))).toBeInstanceOf(IntacctTransientError);
  });

  it('a truncated answer is transient', () => {
    const whole = fixture('query-customer-page.xml');
    const error = thrownBy(() => parseGatewayResponse(whole.slice(0, Math.floor(whole.length / 2))));

    expect(error).toBeInstanceOf(IntacctTransientError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('mismatched tags are transient, never silently parsed', () => {
    const body = fixture('query-empty.xml').replace('</result>', '</rezult>');

    expect(thrownBy(() => parseGatewayResponse(body))).toBeInstanceOf(IntacctTransientError);
  });

  it('an external-entity DOCTYPE is refused as a protocol error without parsing', () => {
    const body =
      '<?xml version="1.0" encoding="utf-8"?>\n' +
      '<!DOCTYPE response [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n' +
      '<response><control><status>success</status></control><operation><authentication><status>success</status></authentication>' +
      '<result><status>success</status><function>query</function><data listtype="CUSTOMER" totalcount="1" offset="0" count="1" numremaining="0">' +
      '<CUSTOMER><NAME>&secret;</NAME></CUSTOMER></data></result></operation></response>';

    const error = thrownBy(() => parseGatewayResponse(body));

    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(error).toMatchObject({ retryable: false });
  });

  it('a bare ENTITY declaration is refused too', () => {
    expect(thrownBy(() => parseGatewayResponse('<?xml version="1.0"?><!ENTITY x "y"><response/>'))).toBeInstanceOf(IntacctProtocolError);
  });

  it('a billion-laughs DOCTYPE is refused quickly', () => {
    const levels = Array.from({ length: 9 }, (_, level) => `<!ENTITY lol${level + 1} "${`&lol${level};`.repeat(10)}">`).join('');
    const body = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${levels}]><response>&lol9;</response>`;

    expect(thrownBy(() => parseGatewayResponse(body))).toBeInstanceOf(IntacctProtocolError);
  });
});

describe('decodeStandardEntities', () => {
  it.each([
    ['&lt;&gt;&amp;&quot;&apos;', `<>&"'`],
    ['&amp;lt;', '&lt;'],
    ['&#39;&#x41;&#xE5;', "'Aå"],
    ['&nbsp;&custom;', '&nbsp;&custom;'],
    ['&#0;&#xD800;', '&#0;&#xD800;'],
  ])('decodes %s once and only the XML-defined references', (input, expected) => {
    expect(decodeStandardEntities(input)).toBe(expected);
  });
});

describe('exceedsRecordLimit counts the records of <data> without parsing', () => {
  const wrap = (records: string): string => `<response><operation><result><data count="x">${records}</data></result></operation></response>`;

  it('counts only direct children of <data>, whatever they nest', () => {
    const body = wrap(
      '<CUSTOMER><RECORDNO>1</RECORDNO><CONTACT><NAME>a</NAME></CONTACT></CUSTOMER><CUSTOMER/><CUSTOMER><data>inner</data></CUSTOMER>',
    );

    expect(exceedsRecordLimit(body, 3)).toBe(false);
    expect(exceedsRecordLimit(body, 2)).toBe(true);
  });

  it('is not fooled by markup-like text in CDATA, comments or attribute values', () => {
    const body = wrap('<CUSTOMER note="a > b"><NAME><![CDATA[<CUSTOMER><CUSTOMER>]]></NAME><!-- <CUSTOMER/> --></CUSTOMER>');

    expect(exceedsRecordLimit(body, 1)).toBe(false);
  });

  it('finds no records in an answer without data', () => {
    expect(exceedsRecordLimit('<response><operation><result><data/></result></operation></response>', 0)).toBe(false);
  });
});
