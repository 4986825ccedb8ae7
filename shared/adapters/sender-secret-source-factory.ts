import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IntacctFields } from '#domain/intacct-records';
import { type GatewaySettings, XmlGatewaySourceFactory } from '#intacct/source';
import type {
  BrowseRequest,
  CallOptions,
  IntacctLogin,
  IntacctSource,
  IntacctSourceFactory,
  ListingOptions,
  ListingPage,
} from '#ports/intacct-source';

/** The sender secret's JSON: `{ "senderId": "...", "senderPassword": "..." }`. */
interface SenderSecret {
  senderId: string;
  senderPassword: string;
}

function parseSenderSecret(text: string | undefined): SenderSecret {
  const parsed: unknown = text ? JSON.parse(text) : null;
  const secret = parsed as Partial<SenderSecret> | null;
  if (!secret || typeof secret.senderId !== 'string' || typeof secret.senderPassword !== 'string') {
    throw new Error('The Intacct sender secret must be JSON with string fields senderId and senderPassword.');
  }
  return { senderId: secret.senderId, senderPassword: secret.senderPassword };
}

/**
 * The Intacct source factory of the cloud: the sender credentials live in Secrets Manager and
 * are read once per container, on first use (a cold start must not wait on them, and a failed
 * read is tried again on the next call).
 */
export class SenderSecretSourceFactory implements IntacctSourceFactory {
  private factory: Promise<XmlGatewaySourceFactory> | null = null;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretArn: string,
    private readonly settings: Omit<GatewaySettings, 'senderId' | 'senderPassword'>,
  ) {}

  forLogin(login: IntacctLogin): IntacctSource {
    return new DeferredSource(() => this.gatewayFactory().then((factory) => factory.forLogin(login)));
  }

  private gatewayFactory(): Promise<XmlGatewaySourceFactory> {
    this.factory ??= this.client
      .send(new GetSecretValueCommand({ SecretId: this.secretArn }))
      .then((answer) => new XmlGatewaySourceFactory({ ...this.settings, ...parseSenderSecret(answer.SecretString) }))
      .catch((error: unknown) => {
        this.factory = null;
        throw error;
      });
    return this.factory;
  }
}

/** An IntacctSource whose real source is built on first use. */
class DeferredSource implements IntacctSource {
  private source: Promise<IntacctSource> | null = null;

  constructor(private readonly build: () => Promise<IntacctSource>) {}

  private real(): Promise<IntacctSource> {
    this.source ??= this.build();
    return this.source;
  }

  async *listCustomers(options?: ListingOptions): AsyncIterable<ListingPage> {
    yield* (await this.real()).listCustomers(options);
  }

  async *listEmployees(options?: ListingOptions): AsyncIterable<ListingPage> {
    yield* (await this.real()).listEmployees(options);
  }

  async *listDepartments(options?: ListingOptions): AsyncIterable<ListingPage> {
    yield* (await this.real()).listDepartments(options);
  }

  async *customersById(customerIds: readonly string[], options?: ListingOptions): AsyncIterable<ListingPage> {
    yield* (await this.real()).customersById(customerIds, options);
  }

  async *employeesById(employeeIds: readonly string[], options?: ListingOptions): AsyncIterable<ListingPage> {
    yield* (await this.real()).employeesById(employeeIds, options);
  }

  async existingRecordNos(object: 'customer' | 'employee' | 'department', recordNos: readonly string[], options?: CallOptions): Promise<Set<string>> {
    return (await this.real()).existingRecordNos(object, recordNos, options);
  }

  async browseCustomers(request: BrowseRequest, options?: CallOptions): Promise<IntacctFields[]> {
    return (await this.real()).browseCustomers(request, options);
  }

  async browseEmployees(request: BrowseRequest, options?: CallOptions): Promise<IntacctFields[]> {
    return (await this.real()).browseEmployees(request, options);
  }

  async verifyCredentials(options?: CallOptions): Promise<void> {
    return (await this.real()).verifyCredentials(options);
  }
}
