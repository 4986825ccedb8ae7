/**
 * A DynamoDB endpoint that refuses every request for throughput, over the real JSON protocol: dynalite
 * never throttles, and DynamoDB only does under load no test should make. The SDK's own
 * deserializer and retries meet it exactly as they would meet DynamoDB.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottlingDynamo {
  endpoint: string;
  /** Requests refused so far (each SDK attempt is one). */
  readonly refused: number;
  close(): Promise<void>;
}

/** Starts the endpoint on loopback; every request gets HTTP 400 with the error `errorName` (default ProvisionedThroughputExceededException). */
export async function startThrottlingDynamo(errorName = 'ProvisionedThroughputExceededException'): Promise<ThrottlingDynamo> {
  let refused = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      refused += 1;
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `throttled-${refused}` });
      response.end(
        JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${errorName}`,
          message: 'Throughput exceeds the current capacity of your table or index.',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
