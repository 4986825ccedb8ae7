/**
 * Changes Intacct data through the gateway protocol (update, delete), the way someone editing
 * Intacct would, to prepare B3. The production connector is read-only; writing lives here.
 */
import { randomUUID } from 'node:crypto';
import { buildRequestXml, element } from '#intacct/xml-request';
import { parseGatewayResponse } from '#intacct/xml-response';
import type { IntacctLogin } from '#ports/intacct-source';
import type { EmulatorTarget } from './infra';

async function call(target: EmulatorTarget, company: IntacctLogin, functionXml: string): Promise<void> {
  const body = buildRequestXml({
    sender: { senderId: target.senderId, senderPassword: target.senderPassword },
    authentication: { login: { companyId: company.companyId, userId: company.userId, userPassword: company.userPassword } },
    controlId: randomUUID(),
    functionControlId: randomUUID(),
    functionXml,
  });
  const response = await fetch(target.endpointUrl, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body });
  // Throws on any failure status in the answer.
  parseGatewayResponse(await response.text());
}

/** Renames the customer with this RECORDNO. */
export async function renameCustomer(target: EmulatorTarget, company: IntacctLogin, recordNo: string, name: string): Promise<void> {
  await call(target, company, `<update><CUSTOMER>${element('RECORDNO', recordNo)}${element('NAME', name)}</CUSTOMER></update>`);
}

/** Deletes the customers with these RECORDNOs in one call. */
export async function deleteCustomers(target: EmulatorTarget, company: IntacctLogin, recordNos: readonly string[]): Promise<void> {
  await call(target, company, `<delete>${element('object', 'CUSTOMER')}${element('keys', recordNos.join(','))}</delete>`);
}
