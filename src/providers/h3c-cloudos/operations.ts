/**
 * Documented H3C CloudOS operations beyond the unified model (DESIGN "Provider operations"):
 * each with a zod input and output, run through the same client (auth, errors, validation).
 * Outputs are camelCase; the platform's field names stay in this folder. Kept to what the
 * simulator serves: keypairs (KP-1…4), flavor detail (FL-4), rename (SV-6), suspend/resume.
 */
import { z } from 'zod';
import { InstanceType } from '../../domain/catalog.ts';
import { TENANT, type H3cClient } from './client.ts';
import { SERVERS } from './adapter.ts';
import { toInstanceType } from './mapping.ts';
import { WireFlavorEnvelope, WireKeypair, WireKeypairEnvelope, WireKeypairList, WireServerEnvelope } from './wire.ts';

export interface H3cOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  input: I;
  output: O;
  run(client: H3cClient, input: z.infer<I>): Promise<z.infer<O>>;
}

const define = <I extends z.ZodType, O extends z.ZodType>(op: H3cOperation<I, O>): H3cOperation<I, O> => op;

const KEYPAIRS = `/os/compute/v1/v2/${TENANT}/os-keypairs`;
// A16: get and delete use `/keypairs/{name}` as documented (KP-3, KP-4).
const keypair = (name: string) => `/os/compute/v1/v2/${TENANT}/keypairs/${encodeURIComponent(name)}`;
const KeypairName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'digits, letters, "-" and "_", 1–64 characters');
const ServerId = z.string().min(1).max(36);

const Keypair = z.object({ name: z.string(), publicKey: z.string(), fingerprint: z.string() });
const toKeypair = (k: z.infer<typeof WireKeypair>) => ({
  name: k.name,
  publicKey: k.public_key,
  fingerprint: k.fingerprint,
});
const Accepted = z.object({ accepted: z.literal(true) });

export const h3cOperations = [
  define({
    name: 'keypairs.list',
    summary: "Lists the project's SSH key pairs (KP-2).",
    input: z.object({}),
    output: z.object({ keypairs: z.array(Keypair) }),
    async run(client) {
      const body = await client.read(
        { method: 'GET', path: KEYPAIRS, operation: 'operations.keypairs.list', idempotent: true },
        WireKeypairList,
      );
      return { keypairs: body.keypairs.map((k) => toKeypair(k.keypair)) };
    },
  }),
  define({
    name: 'keypairs.get',
    summary: 'Shows one key pair by name (KP-3).',
    input: z.object({ name: KeypairName }),
    output: Keypair,
    async run(client, input) {
      const body = await client.read(
        { method: 'GET', path: keypair(input.name), operation: 'operations.keypairs.get', idempotent: true },
        WireKeypairEnvelope,
      );
      return toKeypair(body.keypair);
    },
  }),
  define({
    name: 'keypairs.create',
    summary:
      'Imports a public key as a key pair (KP-1). The public key is required: a generated pair would return ' +
      'its private key, and secrets never leave the adapter (A18).',
    input: z.object({ name: KeypairName, publicKey: z.string().min(1), type: z.string().min(1).default('ssh') }),
    output: Keypair,
    async run(client, input) {
      const body = await client.read(
        {
          method: 'POST',
          path: KEYPAIRS,
          operation: 'operations.keypairs.create',
          idempotent: false,
          json: { keypair: { name: input.name, type: input.type, public_key: input.publicKey } },
        },
        WireKeypairEnvelope,
      );
      return toKeypair(body.keypair);
    },
  }),
  define({
    name: 'keypairs.delete',
    summary: 'Deletes a key pair by name (KP-4).',
    input: z.object({ name: KeypairName }),
    output: Accepted,
    async run(client, input) {
      await client.send({
        method: 'DELETE',
        path: keypair(input.name),
        operation: 'operations.keypairs.delete',
        idempotent: true,
      });
      return { accepted: true as const };
    },
  }),
  define({
    name: 'flavors.get',
    summary: 'Shows one flavor (FL-4) as an instance type.',
    input: z.object({ flavorId: z.string().min(1).max(36) }),
    output: InstanceType,
    async run(client, input) {
      const body = await client.read(
        {
          method: 'GET',
          path: `/os/compute/v1/v2/${TENANT}/flavors/${encodeURIComponent(input.flavorId)}`,
          operation: 'operations.flavors.get',
          idempotent: true,
        },
        WireFlavorEnvelope,
      );
      return toInstanceType(body.flavor);
    },
  }),
  define({
    name: 'servers.rename',
    summary: "Renames a server's hostname (SV-6); the display alias has no documented update.",
    input: z.object({ serverId: ServerId, name: z.string().min(1).max(255) }),
    output: z.object({ id: z.string(), name: z.string().nullable() }),
    async run(client, input) {
      const body = await client.read(
        {
          method: 'PUT',
          path: `${SERVERS}/${encodeURIComponent(input.serverId)}`,
          operation: 'operations.servers.rename',
          // Setting the same name twice leaves the same result.
          idempotent: true,
          json: { server: { name: input.name } },
        },
        WireServerEnvelope,
      );
      return { id: body.server.id, name: body.server.name ?? null };
    },
  }),
  ...(['suspend', 'resume'] as const).map((act) =>
    define({
      name: `servers.${act}`,
      summary:
        act === 'suspend'
          ? 'Suspends a running server (server action).'
          : 'Resumes a suspended server (server action).',
      input: z.object({ serverId: ServerId }),
      output: Accepted,
      async run(client, input) {
        await client.send({
          method: 'POST',
          path: `${SERVERS}/${encodeURIComponent(input.serverId)}/action`,
          operation: `operations.servers.${act}`,
          idempotent: false,
          json: { [act]: null },
        });
        return { accepted: true as const };
      },
    }),
  ),
];

/** Validates the input, runs the operation and validates what it returns. */
export async function runH3cOperation(client: H3cClient, name: string, input: unknown): Promise<unknown> {
  const op = h3cOperations.find((o) => o.name === name);
  if (!op) throw new Error(`h3c-cloudos has no operation ${name}`);
  const parsed: unknown = op.input.parse(input);
  return op.output.parse(await (op.run as (c: H3cClient, i: unknown) => Promise<unknown>)(client, parsed));
}
