/** The Intacct the runtime talks to: the emulator it starts, or another gateway named by the caller. */
import { startEmulator } from '../emulator';
import { DEMO_COMPANY_SEEDS, type DemoCompany } from './demo-tenants';

export interface IntacctEndpoint {
  endpointUrl: string;
  senderId: string;
  senderPassword: string;
}

export interface ExternalIntacct extends IntacctEndpoint {
  /** Credentials of the companies the demo tenants connect to; default those of the demo companies. */
  companies?: DemoCompany[];
}

/** The REST API and the OAuth client the runtime connects with (Connect with Sage Intacct). */
export interface IntacctOAuthTarget {
  restBaseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface IntacctTarget extends IntacctEndpoint {
  companies: DemoCompany[] | undefined;
  /** True when the runtime started (and will stop) an emulator. */
  emulated: boolean;
  /** Null: no OAuth client for this Intacct (an external one without INTACCT_REST_URL and a client). */
  oauth: IntacctOAuthTarget | null;
  /** Makes `redirectUri` (the runtime's callback) one the OAuth client may be sent back to: the emulator's client is registered with it. */
  allowRedirect(redirectUri: string): void;
  close(): Promise<void>;
}

/** Values a runtime of this process put in process.env, which must not be mistaken for the user's. */
const endpointsSetByRuntimes = new Set<string>();

/** Remembers an endpoint this process configured itself, so `externalIntacctFromEnv` ignores it. */
export function rememberOwnIntacctEndpoint(endpointUrl: string): void {
  endpointsSetByRuntimes.add(endpointUrl);
}

/**
 * INTACCT_ENDPOINT_URL + INTACCT_SENDER_ID + INTACCT_SENDER_PASSWORD, when all are set; optional
 * LOCAL_DEMO_COMPANIES (JSON `[{ companyId, userId, userPassword }, ...]`) names that Intacct's companies.
 */
export function externalIntacctFromEnv(env: NodeJS.ProcessEnv = process.env): ExternalIntacct | undefined {
  const { INTACCT_ENDPOINT_URL, INTACCT_SENDER_ID, INTACCT_SENDER_PASSWORD, LOCAL_DEMO_COMPANIES } = env;
  if (!INTACCT_ENDPOINT_URL || !INTACCT_SENDER_ID || !INTACCT_SENDER_PASSWORD) return undefined;
  if (endpointsSetByRuntimes.has(INTACCT_ENDPOINT_URL)) return undefined;
  let companies: DemoCompany[] | undefined;
  if (LOCAL_DEMO_COMPANIES) {
    try {
      companies = JSON.parse(LOCAL_DEMO_COMPANIES) as DemoCompany[];
    } catch {
      throw new Error('LOCAL_DEMO_COMPANIES must be JSON: [{ "companyId", "userId", "userPassword" }, ...]');
    }
  }
  return {
    endpointUrl: INTACCT_ENDPOINT_URL,
    senderId: INTACCT_SENDER_ID,
    senderPassword: INTACCT_SENDER_PASSWORD,
    ...(companies ? { companies } : {}),
  };
}

/**
 * INTACCT_REST_URL + INTACCT_OAUTH_CLIENT_ID + INTACCT_OAUTH_CLIENT_SECRET of another Intacct, when
 * all are set (its OAuth client must already allow the runtime's callback URL).
 */
function externalOAuthFromEnv(env: NodeJS.ProcessEnv): IntacctOAuthTarget | null {
  const { INTACCT_REST_URL, INTACCT_OAUTH_CLIENT_ID, INTACCT_OAUTH_CLIENT_SECRET } = env;
  if (!INTACCT_REST_URL || !INTACCT_OAUTH_CLIENT_ID || !INTACCT_OAUTH_CLIENT_SECRET) return null;
  return { restBaseUrl: INTACCT_REST_URL, clientId: INTACCT_OAUTH_CLIENT_ID, clientSecret: INTACCT_OAUTH_CLIENT_SECRET };
}

/** Uses `external` when given; otherwise starts the emulator seeded with the demo companies. */
export async function startIntacctTarget(external: ExternalIntacct | undefined, env: NodeJS.ProcessEnv = process.env): Promise<IntacctTarget> {
  if (external) {
    return {
      ...external,
      companies: external.companies,
      emulated: false,
      oauth: externalOAuthFromEnv(env),
      allowRedirect: () => undefined,
      close: () => Promise.resolve(),
    };
  }
  const emulator = await startEmulator({ companies: [...DEMO_COMPANY_SEEDS] });
  rememberOwnIntacctEndpoint(emulator.endpointUrl);
  const { clientId, clientSecret } = emulator.oauth;
  return {
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    companies: undefined,
    emulated: true,
    oauth: { restBaseUrl: emulator.restBaseUrl, clientId, clientSecret },
    allowRedirect: (redirectUri) => emulator.registerOAuthClient({ clientId, clientSecret, redirectUris: [redirectUri] }),
    close: () => emulator.close(),
  };
}
