/**
 * X-Ray tracing through Powertools Tracer: the handlers' segments (middy-stack.ts), the AWS SDK
 * clients (composition.ts) and each Intacct request (intacct/http-transport.ts).
 *
 * Tracer switches itself off outside Lambda (no AWS_EXECUTION_ENV) and when
 * POWERTOOLS_TRACE_ENABLED=false (the local runtime sets it): every call below is then a no-op
 * that needs no X-Ray daemon and prints nothing.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './logger';

/**
 * One tracer per process, as Powertools intends: X-Ray keeps the current segment in its own
 * context, so every module traces into the invocation's segment through this instance.
 * HTTP calls are not traced globally: the only ones are Intacct's, traced by hand with annotations
 * we choose (an automatic HTTP subsegment would add nothing but the URL).
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

/** What a subsegment is annotated with: names and statuses, never credentials, session ids or bodies. */
export type Annotations = Readonly<Record<string, string | number | boolean>>;

/**
 * Runs `work` in a subsegment `name` of the current segment, annotated with `annotationsOf` its
 * result (undefined when it threw) and marked as an error when it throws. Annotations are indexed
 * and searchable by anyone who can read the traces, hence the rule above. With tracing off this
 * is `work()` itself, not one promise more: callers' timing stays exactly as untraced.
 */
export function inSubsegment<T>(name: string, work: () => Promise<T>, annotationsOf: (result: T | undefined) => Annotations): Promise<T> {
  if (!tracer.isTracingEnabled()) return work();
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

/** `client` with its calls traced as subsegments (unchanged when tracing is off). */
export function traced<C>(client: C): C {
  return tracer.captureAWSv3Client(client);
}
