import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted gateway does with one request. */
export type ScriptedAnswer = { status?: number; body: string; contentType?: string; headers?: Record<string, string> } | { reset: true };

export interface ScriptedGateway {
  endpointUrl: string;
  /** Raw request bodies in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that answers each POST with the next scripted answer (or the fallback once the
 * script runs out), for answers the emulator cannot give: HTTP 401, Cloudflare 524 pages, empty bodies.
 */
export async function startScriptedGateway(
  script: ScriptedAnswer[],
  fallback: (requestBody: string) => ScriptedAnswer = () => ({ status: 500, body: 'script exhausted' }),
): Promise<ScriptedGateway> {
  const requests: string[] = [];
  const pending = [...script];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push(body);
      const answer = pending.shift() ?? fallback(body);
      if ('reset' in answer) {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.status ?? 200, {
        'Content-Type': answer.contentType ?? 'text/xml; encoding="UTF-8";charset=UTF-8',
        ...answer.headers,
      });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpointUrl: `http://127.0.0.1:${port}/ia/xml/xmlgw.phtml`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const CONTROL_OK =
  '<control><status>success</status><senderid>psaVendor</senderid><controlid>c</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion></control>';
const AUTH_OK = '<authentication><status>success</status><userid>api_sync</userid><companyid>LAKESIDE-DEMO</companyid></authentication>';

/** A successful getAPISession answer naming `sessionId`. */
export function sessionAnswer(sessionId: string, endpoint = ''): ScriptedAnswer {
  return {
    body:
      `<?xml version="1.0" encoding="utf-8"?><response>${CONTROL_OK}<operation>${AUTH_OK}<result><status>success</status>` +
      `<function>getAPISession</function><controlid>f</controlid><data><api><sessionid>${sessionId}</sessionid>` +
      `<endpoint>${endpoint}</endpoint><locationid></locationid></api></data></result></operation></response>`,
  };
}

/** A successful list answer with the given record names and paging attributes. */
export function listAnswer(
  functionName: string,
  names: string[],
  attributes: { totalcount: number; offset?: number; numremaining: number; resultId?: string },
): ScriptedAnswer {
  const records = names.map((name, index) => `<CUSTOMER><RECORDNO>${index + 1}</RECORDNO><NAME>${name}</NAME></CUSTOMER>`).join('');
  const attributeText = Object.entries({ ...attributes, count: names.length })
    .map(([key, value]) => `${key}="${value}"`)
    .join(' ');
  return {
    body:
      `<?xml version="1.0" encoding="utf-8"?><response>${CONTROL_OK}<operation>${AUTH_OK}<result><status>success</status>` +
      `<function>${functionName}</function><controlid>f</controlid><data listtype="CUSTOMER" ${attributeText}>${records}</data>` +
      '</result></operation></response>',
  };
}

/** A failed authentication answer, echoing `echoed` in description2 the way a careless server might. */
export function authenticationFailureAnswer(echoed = ''): ScriptedAnswer {
  return {
    body:
      `<?xml version="1.0" encoding="utf-8"?><response>${CONTROL_OK}<operation><authentication><status>failure</status>` +
      '<userid>api_sync</userid><companyid>LAKESIDE-DEMO</companyid></authentication><errormessage><error>' +
      `<errorno>XL03000006</errorno><description></description><description2>Sign-in information is incorrect. ${echoed}</description2>` +
      '<correction></correction></error></errormessage></operation></response>',
  };
}
