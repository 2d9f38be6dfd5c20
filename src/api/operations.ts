/**
 * The typed escape hatch: each platform's documented operations beyond the
 * unified model, listed with their JSON schemas and run through the
 * account's adapter (which still does auth, envelopes and paging). The
 * caller sends only the operation's input, never raw platform HTTP.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, notFound } from '../domain/errors.ts';
import { ProviderKind } from '../domain/providers.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import { definitionOf, providerInfos } from '../providers/registry.ts';
import { parseAt } from './validation.ts';

const Operation = z
  .object({
    name: z.string(),
    summary: z.string(),
    input: z.record(z.string(), z.unknown()).describe('JSON Schema of `input`'),
    output: z.record(z.string(), z.unknown()).describe('JSON Schema of `output`'),
  })
  .meta({ id: 'PlatformOperation' });

const OperationName = z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'an operation name as listed');

function catalogOf(kind: ProviderKind) {
  const definition = definitionOf(kind);
  if (!definition) throw notFound('provider', kind);
  return definition.operations;
}

/**
 * zod's metadata minus the `id`s that name the API's components in the OpenAPI document: an
 * operation's schema is shown whole, as it always was, not split into `$defs` by those names.
 */
class MetadataWithoutIds extends z.core.$ZodRegistry<Record<string, unknown>> {
  override get(schema: z.core.$ZodType) {
    const meta = z.globalRegistry.get(schema);
    if (!meta || !('id' in meta)) return meta;
    const { id: _id, ...rest } = meta;
    return Object.keys(rest).length ? rest : undefined;
  }
}
const metadata = new MetadataWithoutIds();

/** Built once: the JSON schemas of every registered operation, for the list route and the OpenAPI text. */
function describeAll() {
  return providerInfos().map(({ kind }) => ({
    kind,
    operations: catalogOf(kind).map((op) => ({
      name: op.name,
      summary: op.summary,
      input: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any', metadata }) as Record<string, unknown>,
      output: z.toJSONSchema(op.output, { unrepresentable: 'any', metadata }) as Record<string, unknown>,
    })),
  }));
}

export const operationRoutes: FastifyPluginAsyncZod<{ providers: AccountProviders }> = async (app, { providers }) => {
  const described = describeAll();
  const index = described
    .map((d) => `- **${d.kind}**: ${d.operations.map((o) => `\`${o.name}\``).join(', ') || 'none'}`)
    .join('\n');

  app.get(
    '/v1/providers/:kind/operations',
    {
      config: { scope: 'read' },
      schema: {
        operationId: 'listProviderOperations',
        tags: ['operations'],
        summary: "A platform's documented extra operations, with the JSON schemas of their input and output",
        params: z.object({ kind: ProviderKind }),
        response: { 200: z.object({ items: z.array(Operation) }) },
      },
    },
    async (req) => {
      const found = described.find((d) => d.kind === req.params.kind);
      if (!found) throw notFound('provider', req.params.kind);
      return { items: found.operations };
    },
  );

  app.post(
    '/v1/accounts/:id/operations/:operation',
    {
      config: { scope: 'write' },
      schema: {
        operationId: 'runAccountOperation',
        tags: ['operations'],
        summary: "Run one of the account's platform operations",
        description: `\`input\` must match the operation's input schema (GET /v1/providers/{kind}/operations). Operations by provider:\n\n${index}`,
        params: z.object({ id: z.uuid(), operation: OperationName }),
        body: z.object({ input: z.record(z.string(), z.unknown()).default({}) }),
        response: { 200: z.object({ operation: z.string(), output: z.unknown() }) },
        contract: { platform: true },
      },
    },
    async (req) => {
      const { provider } = await providers.resolve(req.params.id);
      const spec = catalogOf(provider.kind).find((o) => o.name === req.params.operation);
      if (!spec) {
        throw new ApiError('not-found', `${provider.kind} has no operation ${req.params.operation}`, {
          provider: provider.kind,
          operation: req.params.operation,
        });
      }
      const input = parseAt(spec.input, req.body.input, 'body', '/input');
      const output = await provider.runOperation(spec.name, input);
      return { operation: spec.name, output };
    },
  );
};
