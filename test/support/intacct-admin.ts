import { randomUUID } from 'node:crypto';
import { buildRequestXml, element } from '#intacct/xml-request';
import { type GatewayResult, parseGatewayResponse } from '#intacct/xml-response';

/** Where and as whom the test writes; a RunningEmulator plus one of its companies fits. */
export interface IntacctAdminTarget {
  endpointUrl: string;
  senderId: string;
  senderPassword: string;
  company: { companyId: string; userId: string; userPassword: string };
}

export type IntacctObjectName = 'CUSTOMER' | 'EMPLOYEE' | 'DEPARTMENT';

/**
 * Changes Intacct data through the gateway protocol itself (create, update, delete), the way a
 * person editing Intacct would, so tests make Intacct change without reaching into the emulator.
 * Writing lives in test support: the production connector is read-only by design.
 * Fields are given with dotted names (`DISPLAYCONTACT.MAILADDRESS.CITY`) and sent nested.
 */
export class IntacctAdmin {
  constructor(private readonly target: IntacctAdminTarget) {}

  /** Creates a record and answers its RECORDNO. */
  async create(object: IntacctObjectName, fields: Record<string, string>): Promise<string> {
    const result = await this.call(`<create><${object}>${nested(fields)}</${object}></create>`);
    const data = result.data as Record<string, unknown>;
    const created = (data[object.toLowerCase()] ?? data[object]) as unknown;
    const first = (Array.isArray(created) ? created[0] : created) as Record<string, string>;
    return String(first.RECORDNO);
  }

  async update(object: IntacctObjectName, recordNo: string, fields: Record<string, string>): Promise<void> {
    await this.call(`<update><${object}>${element('RECORDNO', recordNo)}${nested(fields)}</${object}></update>`);
  }

  async delete(object: IntacctObjectName, recordNos: readonly string[]): Promise<void> {
    await this.call(`<delete>${element('object', object)}${element('keys', recordNos.join(','))}</delete>`);
  }

  private async call(functionXml: string): Promise<GatewayResult> {
    const { companyId, userId, userPassword } = this.target.company;
    const body = buildRequestXml({
      sender: { senderId: this.target.senderId, senderPassword: this.target.senderPassword },
      authentication: { login: { companyId, userId, userPassword } },
      controlId: randomUUID(),
      functionControlId: randomUUID(),
      functionXml,
    });
    const response = await fetch(this.target.endpointUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml' },
      body,
    });
    return parseGatewayResponse(await response.text());
  }
}

/** `{ 'A.B.C': 'x', 'A.D': 'y' }` → `<A><B><C>x</C></B><D>y</D></A>`, keeping first-seen order. */
function nested(fields: Record<string, string>): string {
  type Tree = Map<string, Tree | string>;
  const root: Tree = new Map();
  for (const [path, value] of Object.entries(fields)) {
    const parts = path.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.get(part);
      if (!(child instanceof Map)) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
    }
    node.set(parts.at(-1) as string, value);
  }
  const render = (tree: Tree): string =>
    [...tree].map(([name, value]) => (typeof value === 'string' ? element(name, value) : `<${name}>${render(value)}</${name}>`)).join('');
  return render(root);
}
