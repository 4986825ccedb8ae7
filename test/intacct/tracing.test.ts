/**
 * Each request to the gateway is an `Intacct` X-Ray subsegment, annotated with the function it calls
 * and the HTTP status only: never the body (it holds the sender and user passwords or the session id).
 * Tracing is on here as on Lambda (AWS_EXECUTION_ENV), inside a segment of the test's own; nothing
 * is sent, since the segment is never closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AWSXRay from 'aws-xray-sdk-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const PASSWORD = 'Tr4ced-but-never-shown';
const LIMITS = { timeoutMs: 5_000, maxResponseBytes: 1_000_000 };

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/xml' }).end('<response/>'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ia/xml/xmlgw.phtml`;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

/** The transport loaded as a Lambda would load it: with tracing on. */
async function tracedTransport() {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.resetModules();
  return import('#intacct/http-transport');
}

it('traces a request as an Intacct subsegment annotated with its function and HTTP status, and nothing of its body', async () => {
  const { postXml, INTACCT_SUBSEGMENT } = await tracedTransport();
  const segment = new AWSXRay.Segment('handler');

  const answer = await AWSXRay.getNamespace().runAndReturn(async () => {
    AWSXRay.setSegment(segment);
    return postXml(url, `<request><password>${PASSWORD}</password></request>`, LIMITS, undefined, 'query');
  });

  expect(answer.status).toBe(200);
  const [subsegment] = segment.subsegments ?? [];
  expect(subsegment?.name).toBe(INTACCT_SUBSEGMENT);
  expect((subsegment as unknown as { annotations: unknown }).annotations).toEqual({ intacctFunction: 'query', httpStatus: 200 });
  expect(JSON.stringify(segment)).not.toContain(PASSWORD);
});
