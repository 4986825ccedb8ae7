import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildQueryXml, type QueryFilter } from '#intacct/query-builder';
import { buildRequestXml, escapeXml } from '#intacct/xml-request';

const TRICKY = `O'Neill & "Sons" <Ltd> — Tromsø 東京`;

/** Reads back what a receiving XML parser would see, to prove escaping round-trips. */
const readBack = new XMLParser({ parseTagValue: false, ignoreAttributes: false, trimValues: false });

describe('escapeXml', () => {
  it('escapes the five XML specials and leaves non-ASCII alone', () => {
    expect(escapeXml(TRICKY)).toBe('O&apos;Neill &amp; &quot;Sons&quot; &lt;Ltd&gt; — Tromsø 東京');
  });

  it('escapes an already-escaped entity again so it arrives literally', () => {
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
  });

  it('keeps carriage returns from being folded into line feeds', () => {
    expect(escapeXml('a\r\nb')).toBe('a&#13;\nb');
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => escapeXml('bell\u0007')).toThrow(RangeError);
    expect(() => escapeXml('lone \uD800 surrogate')).toThrow(RangeError);
  });
});

describe('buildRequestXml', () => {
  const sender = { senderId: 'vendor<1>', senderPassword: `p&ss'"<>` };

  it('escapes every credential and puts login under authentication', () => {
    const xml = buildRequestXml({
      sender,
      authentication: { login: { userId: 'u&1', companyId: 'ACME & CO', userPassword: '<pw>', entityId: 'E1' } },
      controlId: 'c-1',
      functionControlId: 'f-1',
      functionXml: '<getAPISession/>',
    });
    const parsed = readBack.parse(xml);

    expect(parsed.request.control).toMatchObject({
      senderid: 'vendor<1>',
      password: `p&ss'"<>`,
      uniqueid: 'false',
      dtdversion: '3.0',
    });
    expect(parsed.request.operation.authentication.login).toEqual({
      userid: 'u&1',
      companyid: 'ACME & CO',
      password: '<pw>',
      locationid: 'E1',
    });
    expect(parsed.request.operation.content.function['@_controlid']).toBe('f-1');
  });

  it('uses the session id instead of a login when given one', () => {
    const xml = buildRequestXml({
      sender,
      authentication: { sessionId: 'sess&1' },
      controlId: 'c-2',
      functionControlId: 'f-2',
      functionXml: buildQueryXml({ object: 'CUSTOMER', fields: ['RECORDNO'] }, 0),
    });
    const parsed = readBack.parse(xml);

    expect(parsed.request.operation.authentication).toEqual({ sessionid: 'sess&1' });
    expect(parsed.request.operation.content.function.query.object).toBe('CUSTOMER');
  });
});

describe('buildQueryXml', () => {
  it('builds select, nested filters, order, options, page size and offset with escaped values', () => {
    const filter: QueryFilter = {
      and: [
        { field: 'NAME', op: 'equalto', value: TRICKY },
        {
          or: [
            { field: 'STATUS', op: 'in', values: ['active', 'in&active'] },
            { field: 'PARENTID', op: 'isnull' },
          ],
        },
        { field: 'WHENMODIFIED', op: 'between', values: ['01/01/2026 00:00:00', '02/01/2026 00:00:00'] },
      ],
    };

    const xml = buildQueryXml(
      {
        object: 'CUSTOMER',
        fields: ['RECORDNO', 'NAME'],
        filter,
        orderBy: [{ field: 'RECORDNO' }, { field: 'NAME', descending: true }],
        showPrivate: true,
      },
      4000,
    );
    const query = readBack.parse(xml).query;

    expect(query.object).toBe('CUSTOMER');
    expect(query.select.field).toEqual(['RECORDNO', 'NAME']);
    expect(query.filter.and.equalto).toEqual({ field: 'NAME', value: TRICKY });
    expect(query.filter.and.or.in).toEqual({ field: 'STATUS', value: ['active', 'in&active'] });
    expect(query.filter.and.or.isnull).toEqual({ field: 'PARENTID' });
    expect(query.filter.and.between.value).toEqual(['01/01/2026 00:00:00', '02/01/2026 00:00:00']);
    expect(query.orderby.order).toEqual([
      { field: 'RECORDNO', ascending: '' },
      { field: 'NAME', descending: '' },
    ]);
    expect(query.options).toEqual({ showprivate: 'true' });
    expect(query.pagesize).toBe('2000');
    expect(query.offset).toBe('4000');
  });

  it.each([
    ['a page size over 2000', { pageSize: 2001 }],
    ['a page size of 0', { pageSize: 0 }],
    ["'*' in the select list", { fields: ['*'] }],
    ['an empty select list', { fields: [] }],
    ['an unknown operator', { filter: { field: 'NAME', op: 'equalto><evil', value: 'x' } as unknown as QueryFilter }],
    ['between with one value', { filter: { field: 'A', op: 'between', values: ['1'] } as unknown as QueryFilter }],
  ])('refuses %s before anything is sent', (_label, change) => {
    expect(() => buildQueryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], ...change }, 0)).toThrow(RangeError);
  });
});
