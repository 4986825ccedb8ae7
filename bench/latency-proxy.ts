/**
 * DynamoDB's latency in the cloud, put in front of dynalite for B5: an HTTP server in dynalite's
 * own process that holds each request for a delay drawn uniformly from [minMs, maxMs] (a seeded
 * mulberry32 stream, so a run draws the same delays in the same order), then hands the request,
 * untouched, to dynalite's request listener. A request therefore takes dynalite's own time plus
 * the drawn delay, as a request to DynamoDB takes its service time plus the network's.
 *
 * - Delays are per HTTP request (one DynamoDB API call), drawn in arrival order; concurrent
 *   requests wait side by side, as they would on the network. The body waits in its socket.
 * - Handing the request over in-process adds no second HTTP hop: at 0 ms the proxy costs nothing
 *   measurable (`proxy-overhead.ts` measures it in every run; forwarding over loopback HTTP from a
 *   process of its own cost +0.2–0.4 ms per request on 2 cores).
 * - Timers fire at ms granularity and late when the process is busy, so the delay actually added
 *   is measured too (`addedMs`) and reported next to the drawn one.
 * - `POST /__latency-proxy` with a JSON `DynamoLatencyModel` sets the model (and restarts the
 *   seeded stream); `GET /__latency-proxy` answers the counters. DynamoDB's API only posts to `/`.
 * - It starts as a pass-through (0 ms).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrng, type Prng } from '../local/emulator/prng';
import type { DynamoLatencyModel } from './config';
import type { DynamoTarget } from './infra';

const LOOPBACK = '127.0.0.1';
const CONTROL_PATH = '/__latency-proxy';
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
/** Longer than the SDK keeps an idle connection, so the proxy never closes one under it. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export const PASS_THROUGH: DynamoLatencyModel = { minMs: 0, maxMs: 0, seed: 0 };

/** What the proxy did since its model was last set. */
export interface ProxyStats {
  model: DynamoLatencyModel;
  requests: number;
  /** Sum of the delays drawn. */
  drawnMs: number;
  /** Sum of the delays actually added (arrival to hand-over), timer lateness included. */
  addedMs: number;
}

interface RunningLatencyProxy extends DynamoTarget {
  close(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** Starts the proxy on a random loopback port in front of `dynalite`, a server of this process, at `model`. */
export async function startLatencyProxy(dynalite: Server, model: DynamoLatencyModel = PASS_THROUGH): Promise<RunningLatencyProxy> {
  const listeners = dynalite.listeners('request') as RequestListener[];
  const handOver: RequestListener = (req, res) => {
    for (const listener of listeners) listener(req, res);
  };
  let prng: Prng = createPrng(model.seed);
  let stats: ProxyStats = { model, requests: 0, drawnMs: 0, addedMs: 0 };

  const control = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === 'POST') {
      const next = JSON.parse(await readBody(req)) as DynamoLatencyModel;
      prng = createPrng(next.seed);
      stats = { model: next, requests: 0, drawnMs: 0, addedMs: 0 };
    }
    res.writeHead(HTTP_OK, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stats));
  };

  const server = createServer((req, res) => {
    if (req.url?.startsWith(CONTROL_PATH)) {
      control(req, res).catch((error: unknown) => {
        res.writeHead(HTTP_BAD_REQUEST);
        res.end(String(error));
      });
      return;
    }
    const { minMs, maxMs } = stats.model;
    const delay = minMs + prng.next() * (maxMs - minMs);
    const counted = stats;
    counted.requests += 1;
    counted.drawnMs += delay;
    if (delay <= 0) {
      handOver(req, res);
      return;
    }
    const arrived = performance.now();
    setTimeout(() => {
      counted.addedMs += performance.now() - arrived;
      handOver(req, res);
    }, delay);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function control(proxy: DynamoTarget, model?: DynamoLatencyModel): Promise<ProxyStats> {
  const response = await fetch(`${proxy.endpoint}${CONTROL_PATH}`, {
    method: model ? 'POST' : 'GET',
    ...(model ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(model) } : {}),
  });
  if (!response.ok) throw new Error(`Latency proxy answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ProxyStats;
}

/** Sets the proxy's model for every following request and zeroes its counters. */
export async function setProxyLatency(proxy: DynamoTarget, model: DynamoLatencyModel): Promise<void> {
  await control(proxy, model);
}

/** The proxy's counters since its model was last set. */
export function proxyStats(proxy: DynamoTarget): Promise<ProxyStats> {
  return control(proxy);
}
