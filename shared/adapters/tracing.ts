/**
 * X-Ray tracing through Powertools Tracer: the handlers' segments (middy-stack.ts), the AWS SDK
 * clients (composition.ts) and each Intacct request (intacct/http-transport.ts).
 *
 * The tracer is loaded only in a process that traces: on Lambda (AWS_EXECUTION_ENV) unless
 * POWERTOOLS_TRACE_ENABLED=false, the rule Powertools itself follows. Loading X-Ray's SDK installs
 * an async hook that every promise then pays for: resolving promises ran ten times slower with it
 * loaded (measured: 2 million awaits, 120 ms plain against 1,290 ms), and the engine's suites a
 * quarter slower. Locally, in tests and with tracing switched off, nothing here loads it: every
 * call below is then the untraced work itself.
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';
import { SERVICE_NAME } from './logger';

function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_EXECUTION_ENV) && env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false';
}

/**
 * One tracer per process, as Powertools intends: X-Ray keeps the current segment in its own
 * context, so every module traces into the invocation's segment through this instance.
 * HTTP calls are not traced globally: the only ones are Intacct's, traced by hand with annotations
 * we choose (an automatic HTTP subsegment would add nothing but the URL).
 */
const tracer: Tracer | null = tracingWanted(process.env)
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false })
  : null;
const captureLambdaHandler = tracer ? (await import('@aws-lambda-powertools/tracer/middleware')).captureLambdaHandler : null;

/** What a subsegment is annotated with: names and statuses, never credentials, session ids or bodies. */
type Annotations = Readonly<Record<string, string | number | boolean>>;

/** The handler's segment (the response is never recorded: it holds clients' and users' data); none when not tracing. */
export function tracingMiddleware<E, R>(): MiddlewareObj<E, R> | null {
  return tracer && captureLambdaHandler ? (captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj<E, R>) : null;
}

/**
 * Runs `work` in a subsegment `name` of the current segment, annotated with `annotationsOf` its
 * result (undefined when it threw) and marked as an error when it throws. Annotations are indexed
 * and searchable by anyone who can read the traces, hence the rule above. Without tracing this
 * is `work()` itself, not one promise more: callers' timing stays exactly as untraced.
 */
export function inSubsegment<T>(name: string, work: () => Promise<T>, annotationsOf: (result: T | undefined) => Annotations): Promise<T> {
  if (!tracer?.isTracingEnabled()) return work();
  return tracer.provider.captureAsyncFunc(name, async (subsegment) => {
    let result: T | undefined;
    try {
      result = await work();
      return result;
    } catch (error) {
      subsegment?.addErrorFlag();
      throw error;
    } finally {
      for (const [key, value] of Object.entries(annotationsOf(result))) subsegment?.addAnnotation(key, value);
      subsegment?.close();
    }
  }) as Promise<T>;
}

/** `client` with its calls traced as subsegments (unchanged when not tracing). */
export function traced<C>(client: C): C {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
