import { randomUUID } from 'node:crypto';
import { buildRequestXml, element, type RequestAuthentication } from '../../../shared/intacct/xml-request';
import { parseGatewayResponse, readApiSession, type GatewayResult } from '../../../shared/intacct/xml-response';

/** Where and as whom the test writer talks; the emulator's RunningEmulator fits. */
export interface WriterTarget {
  endpointUrl: string;
  senderId: string;
  senderPassword: string;
  company: { companyId: string; userId: string; userPassword: string };
}

/** The customer fields the tests need to seed. */
export interface NewCustomer {
  customerId: string;
  name: string;
  city?: string;
}

async function post(target: WriterTarget, authentication: RequestAuthentication, functionXml: string): Promise<GatewayResult> {
  const requestXml = buildRequestXml({
    sender: { senderId: target.senderId, senderPassword: target.senderPassword },
    authentication,
    controlId: randomUUID(),
    functionControlId: randomUUID(),
    functionXml,
  });
  const response = await fetch(target.endpointUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/xml' },
    body: requestXml,
  });
  return parseGatewayResponse(await response.text());
}

/**
 * Creates a CUSTOMER through the gateway protocol, as a test fixture step. Writing lives here, in
 * test support, because the production connector is read-only by design.
 */
export async function createCustomer(target: WriterTarget, customer: NewCustomer): Promise<GatewayResult> {
  const { companyId, userId, userPassword } = target.company;
  const session = readApiSession((await post(target, { login: { companyId, userId, userPassword } }, '<getAPISession/>')).data);
  const mailAddress = customer.city === undefined ? '' : `<MAILADDRESS>${element('CITY', customer.city)}</MAILADDRESS>`;
  const createXml =
    '<create><CUSTOMER>' +
    element('CUSTOMERID', customer.customerId) +
    element('NAME', customer.name) +
    `<DISPLAYCONTACT>${element('PRINTAS', customer.name)}${mailAddress}</DISPLAYCONTACT>` +
    '</CUSTOMER></create>';
  return post(target, { sessionId: session.sessionId }, createXml);
}
