import { z } from 'zod';
import { RATE_LIMITED, withSupportId } from './errors';
import type { FaultKind, FaultSettings, FaultSpec, LatencyModel } from './types';
import { FAULT_KINDS } from './types';
import { renderErrorMessage, renderResponse, XML_DECLARATION } from './xml-render';

const NO_LATENCY: LatencyModel = { base: 0, perRecord: 0 };

const latencySchema = z.object({ base: z.number().min(0), perRecord: z.number().min(0) }).strict();

/** The JSON body of POST /__emulator/faults. */
export const faultSettingsSchema = z
  .object({
    latencyMs: latencySchema.optional(),
    failNext: z
      .array(
        z
          .object({
            kind: z.enum(FAULT_KINDS),
            errorno: z.string().min(1).optional(),
            count: z.number().int().min(1).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Pending faults (consumed in order, one request each) and the latency model. */
export class FaultController {
  private queue: { kind: FaultKind; errorno?: string; remaining: number }[] = [];
  private latencyModel: LatencyModel;

  constructor(initialLatency: LatencyModel = NO_LATENCY) {
    this.latencyModel = { ...initialLatency };
  }

  get latency(): LatencyModel {
    return this.latencyModel;
  }

  /** Replaces the latency model and/or the fault queue, whichever the settings carry. */
  apply(settings: FaultSettings): void {
    const parsed = faultSettingsSchema.parse(settings);
    if (parsed.latencyMs) this.latencyModel = { ...parsed.latencyMs };
    if (parsed.failNext) {
      this.queue = parsed.failNext.map((fault: FaultSpec) => ({
        kind: fault.kind,
        ...(fault.errorno ? { errorno: fault.errorno } : {}),
        remaining: fault.count ?? 1,
      }));
    }
  }

  clear(): void {
    this.queue = [];
    this.latencyModel = { ...NO_LATENCY };
  }

  /** The fault for the request arriving now, if any; consumes one use of it. */
  take(): { kind: FaultKind; errorno?: string } | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.queue.shift();
    return head.errorno ? { kind: head.kind, errorno: head.errorno } : { kind: head.kind };
  }

  delayFor(records: number): number {
    return this.latencyModel.base + this.latencyModel.perRecord * records;
  }
}

/** What Cloudflare serves when the origin fails: HTML, not XML. */
export const CLOUDFLARE_ERROR_PAGE =
  '<!DOCTYPE html>\n<html lang="en-US"><head><title>api.intacct.com | 500: Internal server error</title></head>' +
  '<body><div id="cf-error-details"><h1>Internal server error</h1><span>Error code 500</span>' +
  '<p>There is an unknown connection issue between Cloudflare and the origin web server.</p>' +
  '<p>Cloudflare Ray ID: <strong>8f2c1e0d9b7a6c54</strong></p></div></body></html>\n';

/** The GW-0010 answer for too many concurrent requests (its exact production text is not published). */
export function rateLimitBody(limit: number | undefined): string {
  const detail = limit === undefined ? 'Too many requests.' : `Too many concurrent requests for this company (limit ${limit}).`;
  return renderResponse(
    renderErrorMessage([
      {
        errorno: RATE_LIMITED,
        description: 'Rate limit exceeded',
        description2: withSupportId(detail),
        correction: 'Wait, then retry the request with backoff.',
      },
    ]),
  );
}

/** Cuts a real answer part-way (on a character boundary). */
export function truncateAnswer(body: string): string {
  let cut = Math.floor(body.length / 2);
  const code = body.charCodeAt(cut - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  if (isHighSurrogate) cut -= 1;
  return body.slice(0, cut);
}

/** Makes a real answer malformed: a closing tag past the middle no longer matches its opening tag. */
export function malformAnswer(body: string): string {
  const closing = body.indexOf('</', Math.floor(body.length / 2));
  const at = closing >= 0 ? closing : body.lastIndexOf('</');
  return `${body.slice(0, at)}</x${body.slice(at + 2)}`;
}

const ENTITY_LEVELS = 9;
const ENTITY_FANOUT = 10;

/** Adds a billion-laughs DOCTYPE to a real answer and uses its deepest entity in the controlid. */
export function addBillionLaughs(body: string): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level <= ENTITY_LEVELS; level += 1) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(ENTITY_FANOUT)}">`);
  }
  const doctype = `<!DOCTYPE response [\n${entities.join('\n')}\n]>`;
  const withoutDeclaration = body.startsWith(XML_DECLARATION) ? body.slice(XML_DECLARATION.length) : body;
  const withEntity = withoutDeclaration.replace('<controlid>', `<controlid>&lol${ENTITY_LEVELS};`);
  return `${XML_DECLARATION}\n${doctype}${withEntity}`;
}
