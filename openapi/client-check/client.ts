/**
 * A small client as a client developer would write it: openapi-fetch over the
 * types openapi-typescript made of openapi/openapi.json, nothing of ours.
 * CI type-checks it (`npm run check:client`), so a document change that
 * breaks generated clients fails there; test/api/openapi-client.test.ts runs it.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './api.d.ts';

type Schemas = components['schemas'];
export type Cloudplane = ReturnType<typeof cloudplane>;

export function cloudplane(baseUrl: string, apiKey: string) {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } });
}

/** What became of an expand: the accepted task, or the problem that refused it. */
export type ExpandOutcome =
  | { accepted: true; task: Schemas['Task']; location: string | null }
  | { accepted: false; status: number; type: string; detail: string; fields: string[] };

/** Saves a template (safe to repeat under the same key) and asks for `count` machines of it. */
export async function createTemplateAndExpand(
  client: Cloudplane,
  input: { accountId: string; name: string; spec: Schemas['MachineSpec']; idempotencyKey: string },
  count: number,
): Promise<{ template: Schemas['Template'] | null; outcome: ExpandOutcome }> {
  const created = await client.POST('/v1/templates', {
    params: { header: { 'Idempotency-Key': input.idempotencyKey } },
    body: { name: input.name, accountId: input.accountId, spec: input.spec },
  });
  if (created.error) return { template: null, outcome: refused(created.error) };
  const template = created.data;

  const expanded = await client.POST('/v1/templates/{id}/expand', {
    params: { path: { id: template.id } },
    body: { count },
  });
  if (expanded.error) return { template, outcome: refused(expanded.error) };
  return {
    template,
    outcome: { accepted: true, task: expanded.data, location: expanded.response.headers.get('location') },
  };
}

/** A task as it is now, or null when the gateway has none with this id. */
export async function taskOf(client: Cloudplane, id: string): Promise<Schemas['Task'] | null> {
  const { data, error } = await client.GET('/v1/tasks/{id}', { params: { path: { id } } });
  if (!error) return data;
  // The problem's `type` is typed from the document: only the types this operation lists compile here.
  const type: `/problems/${'not-found' | 'unauthorized' | 'validation-failed' | 'rate-limited' | 'unavailable' | 'uri-too-long'}` =
    error.type;
  if (type === '/problems/not-found') return null;
  throw new Error(`${error.status} ${type}: ${error.detail}`);
}

function refused(problem: Schemas['Problem']): ExpandOutcome {
  return {
    accepted: false,
    status: problem.status,
    type: problem.type,
    detail: problem.detail,
    fields: (problem.errors ?? []).map((e) => `${e.in} ${e.pointer}`),
  };
}
