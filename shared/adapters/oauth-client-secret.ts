import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The Sage Intacct OAuth client's id and secret, as the stack's secret holds them. */
export interface OAuthClientSecret {
  clientId: string;
  clientSecret: string;
}

/**
 * Reads the OAuth client secret's JSON, `{ "clientId": "...", "clientSecret": "..." }`. A secret
 * not filled in yet fails with a message saying what to put there, never with its content.
 */
export async function readOAuthClientSecret(client: SecretsManagerClient, secretArn: string): Promise<OAuthClientSecret> {
  const answer = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: unknown;
  try {
    parsed = answer.SecretString ? JSON.parse(answer.SecretString) : null;
  } catch {
    parsed = null;
  }
  const secret = parsed as Partial<OAuthClientSecret> | null;
  if (!secret || typeof secret.clientId !== 'string' || typeof secret.clientSecret !== 'string' || !secret.clientId || !secret.clientSecret) {
    throw new Error('The Intacct OAuth client secret must be JSON with string fields clientId and clientSecret.');
  }
  return { clientId: secret.clientId, clientSecret: secret.clientSecret };
}
