/**
 * Documented Inspur ECS operations beyond the unified model (DESIGN "Provider operations"):
 * the image calls (ops 12, 14–18), the server search the unified list cannot express (op 1's
 * search and sort), a reboot of either kind (op 7) and the raw tag strings (op 10). Each has a
 * zod input and output and runs through the same client (auth, envelope, error codes).
 * Outputs are camelCase; the platform's field names stay in this folder.
 */
import { z } from 'zod';
import type { InspurOptions } from './account.ts';
import { actionBody } from './actions.ts';
import { serverPath, SERVERS } from './adapter.ts';
import type { InspurClient } from './client.ts';
import { toImageDetail } from './mapping.ts';
import { toStatus } from './statuses.ts';
import { WireBatchDeleted, WireImage, WireImageCreated, WireImagePage, WireServerPage, WireTags } from './wire.ts';

export interface InspurOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  input: I;
  output: O;
  run(client: InspurClient, input: z.infer<I>, options: InspurOptions): Promise<z.infer<O>>;
}

const define = <I extends z.ZodType, O extends z.ZodType>(op: InspurOperation<I, O>): InspurOperation<I, O> => op;

const Id = z.string().min(1).max(64);
const imagePath = (id: string) => `/v1/images/${encodeURIComponent(id)}`;
const Accepted = z.object({ accepted: z.literal(true) });
const accepted = { accepted: true as const };

const Nullable = <T extends z.ZodType>(t: T) => t.nullable();
export const ImageDetail = z.object({
  id: z.string(),
  name: Nullable(z.string()),
  status: Nullable(z.string()).describe('queued, saving, active, killed or pending_delete'),
  visibility: Nullable(z.string()),
  description: Nullable(z.string()),
  os: Nullable(z.string()),
  osType: Nullable(z.string()),
  tags: z.array(z.string()),
  containerFormat: Nullable(z.string()),
  diskFormat: Nullable(z.string()),
  sizeBytes: Nullable(z.number()),
  minDiskGiB: Nullable(z.number()),
  minRam: Nullable(z.number()),
  protected: Nullable(z.boolean()),
  createdAt: Nullable(z.string()).describe('ISO 8601, UTC'),
  updatedAt: Nullable(z.string()).describe('ISO 8601, UTC'),
  sourceServerId: Nullable(z.string()),
  owner: Nullable(z.string()),
});

const ServerSummary = z.object({
  id: z.string(),
  name: Nullable(z.string()),
  status: z.string().describe('unified status'),
  statusRaw: z.string(),
  taskState: Nullable(z.string()),
  privateIps: z.array(z.string()),
  publicIp: Nullable(z.string()),
});

/** `删除成功2台,删除失败1台` → its two counts (A52); null where the text has none. */
export function readDeleteSummary(text: string | null | undefined) {
  const count = (word: string) => {
    const m = text ? new RegExp(`${word}\\s*(\\d+)`).exec(text) : null;
    return m ? Number(m[1]) : null;
  };
  return { summary: text ?? null, succeeded: count('成功'), failed: count('失败') };
}

export const inspurOperations = [
  define({
    name: 'images.list_private',
    summary: "Lists every private image of the account, unpaged (op 14); `tag` defaults to the account's (ECS).",
    input: z.object({ tag: z.string().min(1).max(64).optional() }),
    output: z.object({ totalCount: z.number().int().nonnegative(), images: z.array(ImageDetail) }),
    async run(client, input, options) {
      const data = await client.call(
        {
          method: 'GET',
          path: '/v1/images/private',
          operation: 'operations.images.list_private',
          idempotent: true,
          query: { tag: input.tag ?? options.privateImageTag },
        },
        WireImagePage,
      );
      const images = (data.images ?? []).map(toImageDetail);
      return { totalCount: data.totalCount ?? images.length, images };
    },
  }),
  define({
    name: 'images.get',
    summary: 'Shows one image (op 15).',
    input: z.object({ imageId: Id }),
    output: ImageDetail,
    async run(client, input) {
      const image = await client.call(
        { method: 'GET', path: imagePath(input.imageId), operation: 'operations.images.get', idempotent: true },
        WireImage,
      );
      return toImageDetail(image);
    },
  }),
  define({
    name: 'images.update',
    summary: 'Renames a private image or changes its description (op 18); refused while it is being created.',
    input: z
      .object({ imageId: Id, name: z.string().min(1).max(255).optional(), description: z.string().max(255).optional() })
      .refine((i) => i.name !== undefined || i.description !== undefined, 'give name, description or both'),
    output: Accepted,
    async run(client, input) {
      // A53: the only patch form the document shows.
      const patch = [
        ...(input.name !== undefined ? [{ op: 'add', path: '/name', value: input.name }] : []),
        ...(input.description !== undefined ? [{ op: 'add', path: '/description', value: input.description }] : []),
      ];
      await client.send({
        method: 'PATCH',
        path: imagePath(input.imageId),
        operation: 'operations.images.update',
        // Setting the same values twice leaves the same image.
        idempotent: true,
        json: patch,
      });
      return accepted;
    },
  }),
  define({
    name: 'images.delete',
    summary: 'Deletes an image (op 16); refused while a server uses it.',
    input: z.object({ imageId: Id }),
    output: Accepted,
    async run(client, input) {
      await client.send({
        method: 'DELETE',
        path: imagePath(input.imageId),
        operation: 'operations.images.delete',
        idempotent: true,
      });
      return accepted;
    },
  }),
  define({
    name: 'images.batch_delete',
    summary:
      'Deletes several images in one call (op 17). The platform reports only a text summary, kept verbatim ' +
      'and read into counts; list the images again to learn which ones remain.',
    input: z.object({ imageIds: z.array(Id).min(1).max(100) }),
    output: z.object({
      summary: Nullable(z.string()),
      succeeded: Nullable(z.number().int()),
      failed: Nullable(z.number().int()),
    }),
    async run(client, input, options) {
      const data = await client.call(
        {
          method: 'POST',
          path: options.batchDeletePath,
          operation: 'operations.images.batch_delete',
          // A repeat would count the first call's deletions as failures.
          idempotent: false,
          json: { images: input.imageIds.map((id) => ({ id })) },
        },
        WireBatchDeleted,
      );
      return readDeleteSummary(data?.status);
    },
  }),
  define({
    name: 'images.create_from_server',
    summary: 'Makes a private image of a server (op 12); the image is queued, then saving, then active.',
    input: z.object({
      serverId: Id,
      name: z.string().min(1).max(255),
      description: z.string().max(255),
      metadata: z.record(z.string().min(1).max(255), z.string().max(255)).optional(),
    }),
    output: z.object({ imageId: z.string() }),
    async run(client, input) {
      const metadata = input.metadata && Object.keys(input.metadata).length > 0 ? { metadata: input.metadata } : {};
      const data = await client.call(
        {
          method: 'POST',
          path: `${serverPath(input.serverId)}/action`,
          operation: 'operations.images.create_from_server',
          idempotent: false,
          json: { createImage: { name: input.name, description: input.description, ...metadata } },
        },
        WireImageCreated,
      );
      return { imageId: data.image_id };
    },
  }),
  define({
    name: 'servers.search',
    summary:
      'One page of servers by a search key (op 1): status (value `unusual` = abnormal servers), uuid, name or ' +
      'private ip, sorted by a field.',
    input: z.object({
      searchField: z.enum(['status', 'uuid', 'name', 'ip']).optional(),
      searchValue: z.string().max(255).optional(),
      sortField: z
        .string()
        .regex(/^[A-Za-z_]{1,64}$/)
        .optional(),
      sortOrder: z.enum(['ascend', 'descend']).optional(),
      pageNo: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(100).default(20),
    }),
    output: z.object({ totalCount: z.number().int().nonnegative(), servers: z.array(ServerSummary) }),
    async run(client, input, options) {
      const { pageNo, pageSize, ...query } = input;
      const data = await client.call(
        {
          method: 'GET',
          path: `${SERVERS}/${pageNo}/${pageSize}`,
          operation: 'operations.servers.search',
          idempotent: true,
          query,
        },
        WireServerPage,
      );
      const servers = (data.servers ?? []).map((s) => ({
        id: s.id,
        name: s.name ?? null,
        ...toStatus(s.status, s.task_state, options.statusMap),
        taskState: s.task_state ?? null,
        privateIps: (s.nics ?? []).flatMap((n) => (n.fixed_ip ? [n.fixed_ip] : [])),
        publicIp: s.eip?.ip_addr ?? null,
      }));
      return { totalCount: data.totalCount ?? servers.length, servers };
    },
  }),
  define({
    name: 'servers.reboot',
    summary: 'Reboots a server (op 7): SOFT needs it ACTIVE, HARD works from any state.',
    input: z.object({ serverId: Id, type: z.enum(['SOFT', 'HARD']).default('SOFT') }),
    output: Accepted,
    async run(client, input) {
      await client.send({
        method: 'POST',
        path: `${serverPath(input.serverId)}/action`,
        operation: 'operations.servers.reboot',
        idempotent: false,
        json: actionBody('reboot', input.type),
      });
      return accepted;
    },
  }),
  define({
    name: 'servers.tags.get',
    summary: "A server's tags as the platform stores them, plain strings (op 10).",
    input: z.object({ serverId: Id }),
    output: z.object({ tags: z.array(z.string()) }),
    async run(client, input) {
      const data = await client.call(
        {
          method: 'GET',
          path: `${serverPath(input.serverId)}/tags`,
          operation: 'operations.servers.tags.get',
          idempotent: true,
        },
        WireTags,
      );
      return { tags: data.tags ?? [] };
    },
  }),
];

/** Validates the input, runs the operation and validates what it returns. */
export async function runInspurOperation(
  client: InspurClient,
  options: InspurOptions,
  name: string,
  input: unknown,
): Promise<unknown> {
  const op = inspurOperations.find((o) => o.name === name);
  if (!op) throw new Error(`inspur-ecs has no operation ${name}`);
  const parsed: unknown = op.input.parse(input);
  const run = op.run as (c: InspurClient, i: unknown, o: InspurOptions) => Promise<unknown>;
  return op.output.parse(await run(client, parsed, options));
}
