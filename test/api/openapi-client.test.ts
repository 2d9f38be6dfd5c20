/**
 * The openapi-fetch client of openapi/client-check, typed only by what openapi-typescript made
 * of the document, against a gateway on a real port: a template is saved (and saved again under
 * the same Idempotency-Key), its group expanded, and a refused expand read as its typed problem.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudplane, createTemplateAndExpand, taskOf, type Cloudplane } from '../../openapi/client-check/client.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { accountAndTemplate, startH3c, type H3cHarness } from '../support/h3c.ts';

let iso: Isolated;
let t: TestApp;
let h3c: H3cHarness;
let client: Cloudplane;
let accountId: string;
let spec: { zone: string; instanceType: string; image: string };

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  h3c = await startH3c();
  const made = await accountAndTemplate(t.call, h3c, 'client-seed');
  accountId = made.account.id;
  spec = made.spec as typeof spec;
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  client = cloudplane(address, t.keys.write);
});

afterAll(async () => {
  await h3c?.close();
  await t?.close();
  await iso?.close();
});

describe('a client generated from the document', () => {
  it('saves a template once under one Idempotency-Key and expands its group', async () => {
    const input = { accountId, name: 'client-web', spec, idempotencyKey: randomUUID() };
    const first = await createTemplateAndExpand(client, input, 2);
    expect(first.outcome).toMatchObject({ accepted: true, task: { kind: 'expand', status: 'queued' } });
    if (!first.outcome.accepted) throw new Error('refused');
    expect(first.outcome.location).toBe(`/v1/tasks/${first.outcome.task.id}`);
    expect(await taskOf(client, first.outcome.task.id)).toMatchObject({ id: first.outcome.task.id });
    expect(await taskOf(client, randomUUID())).toBeNull();

    // The same key and body: the stored answer, not a second template.
    const again = await client.POST('/v1/templates', {
      params: { header: { 'Idempotency-Key': input.idempotencyKey } },
      body: { name: input.name, accountId, spec },
    });
    expect(again.data?.id).toBe(first.template?.id);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
  });

  it('reads a refusal as the typed problem the document describes', async () => {
    const input = { accountId, name: 'client-none', spec, idempotencyKey: randomUUID() };
    const { template, outcome } = await createTemplateAndExpand(client, input, 0);
    expect(template).not.toBeNull();
    expect(outcome).toEqual({
      accepted: false,
      status: 422,
      type: '/problems/validation-failed',
      detail: expect.stringContaining('count'),
      fields: ['body /count'],
    });
  });
});
