import { NotFound } from '#domain/errors';
import { browseIntacctCustomers } from '#use-cases/browse-intacct-customers';
import { createClient } from '#use-cases/create-client';
import { deleteClient } from '#use-cases/delete-client';
import { editClient } from '#use-cases/edit-client';
import { queueClientImport } from '#use-cases/import-clients';
import { linkClient } from '#use-cases/link-by-hand';
import { queueSync } from '#use-cases/sync-tenant';
import { apiDeadline } from '../intacct-deadline';
import { HTTP_NO_CONTENT } from '../json-result';
import { presentClient } from '../presenters';
import { defineRoute } from '../route';
import {
  BrowseQuery,
  Client,
  ClientImportBody,
  CreateClientBody,
  CustomerChoice,
  EditClientBody,
  IdParams,
  LinkClientBody,
  PageQuery,
  pageOf,
  RunAccepted,
  SyncBody,
} from '../schemas';
import { accepted } from './launch';

const clientNotFound = () => new NotFound('client_not_found', 'No such client.');

/** Clients: the import dialog, imports, sync now, and PSA-side edits. */
export const clientRoutes = [
  defineRoute({
    method: 'GET',
    path: '/intacct/customers',
    access: 'admin',
    summary: 'Intacct customers for the import dialog, with their import state',
    query: BrowseQuery,
    success: { status: 200, description: 'A page of customers', schema: pageOf(CustomerChoice) },
    errors: [422, 502, 504],
    handle: async ({ deps, tenantId, query }) => ({ status: 200, body: await browseIntacctCustomers(deps, tenantId, query, apiDeadline()) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/import',
    access: 'admin',
    summary: 'Import customers as clients (a selection or all)',
    body: ClientImportBody,
    success: { status: 202, description: 'Import queued', schema: RunAccepted },
    errors: [409, 422],
    handle: async (request) => {
      return accepted(request, await queueClientImport(request.deps, request.tenantId, request.body, 'api'));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/sync',
    access: 'admin',
    summary: 'Sync linked clients now',
    body: SyncBody,
    bodyOptional: true,
    success: { status: 202, description: 'Sync queued', schema: RunAccepted },
    errors: [409, 422],
    handle: async (request) => {
      return accepted(
        request,
        await queueSync(request.deps, request.tenantId, 'client_sync', { dryRun: request.body.dryRun ?? false, trigger: 'api' }),
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/clients',
    access: 'member',
    summary: 'List clients',
    query: PageQuery,
    success: { status: 200, description: 'A page of clients', schema: pageOf(Client) },
    handle: async ({ deps, tenantId, query }) => {
      const [page, connection] = await Promise.all([deps.clients.list(tenantId, query), deps.connections.get(tenantId)]);
      return { status: 200, body: { items: page.items.map((client) => presentClient(client, connection)), nextCursor: page.nextCursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/clients/{id}',
    access: 'member',
    summary: 'One client',
    params: IdParams,
    success: { status: 200, description: 'The client', schema: Client },
    handle: async ({ deps, tenantId, params }) => {
      const [client, connection] = await Promise.all([deps.clients.get(tenantId, params.id), deps.connections.get(tenantId)]);
      if (!client) throw clientNotFound();
      return { status: 200, body: presentClient(client, connection) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients',
    access: 'admin',
    summary: 'Create a client in the PSA (not linked)',
    body: CreateClientBody,
    success: { status: 201, description: 'Created', schema: Client },
    handle: async ({ deps, tenantId, body }) => ({ status: 201, body: presentClient(await createClient(deps, tenantId, body), null) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/clients/{id}',
    access: 'admin',
    summary: 'Edit a client (mapped fields come back from Intacct at the next sync)',
    params: IdParams,
    body: EditClientBody,
    success: { status: 200, description: 'Edited', schema: Client },
    errors: [409],
    handle: async ({ deps, tenantId, params, body }) => {
      const client = await editClient(deps, tenantId, params.id, body);
      return { status: 200, body: presentClient(client, await deps.connections.get(tenantId)) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/clients/{id}',
    access: 'admin',
    summary: 'Delete a client in the PSA (Intacct untouched; it can be imported again)',
    params: IdParams,
    success: { status: HTTP_NO_CONTENT, description: 'Deleted' },
    handle: async ({ deps, tenantId, params }) => {
      await deleteClient(deps, tenantId, params.id);
      return { status: HTTP_NO_CONTENT };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/clients/{id}/link',
    access: 'admin',
    summary: 'Link a client to an Intacct customer by hand; its mapped fields refresh at once',
    params: IdParams,
    body: LinkClientBody,
    success: { status: 200, description: 'Linked', schema: Client },
    errors: [409, 422, 502, 504],
    handle: async ({ deps, tenantId, params, body }) => {
      const client = await linkClient(deps, tenantId, params.id, body.customerId, apiDeadline());
      return { status: 200, body: presentClient(client, await deps.connections.get(tenantId)) };
    },
  }),
];
