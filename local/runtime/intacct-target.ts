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

export interface IntacctTarget extends IntacctEndpoint {
  companies: DemoCompany[] | undefined;
  /** True when the runtime started (and will stop) an emulator. */
  emulated: boolean;
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

/** Uses `external` when given; otherwise starts the emulator seeded with the demo companies. */
export async function startIntacctTarget(external: ExternalIntacct | undefined): Promise<IntacctTarget> {
  if (external) {
    return { ...external, companies: external.companies, emulated: false, close: () => Promise.resolve() };
  }
  const emulator = await startEmulator({ companies: [...DEMO_COMPANY_SEEDS] });
  rememberOwnIntacctEndpoint(emulator.endpointUrl);
  return {
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    companies: undefined,
    emulated: true,
    close: () => emulator.close(),
  };
}
