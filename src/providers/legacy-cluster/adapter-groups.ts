/**
 * Native group scaling (A55–A59): a Cloudplane template is backed by one broker template
 * ("cluster"). Expand is the broker's own call (op 5, N machines at once, answered with their
 * ids); its members are op 27's list; shrink is the batch delete (op 13) of members only.
 */
import { ProviderError, type ProviderAdapter } from '../contract.ts';
import { PHYSICAL_BACKEND } from './account.ts';
import { PROVIDER, checkCorrelationId, parseWire } from './client.ts';
import { DEFAULT_TIMEOUT_MS, isNotFound, type LegacyContext } from './context.ts';
import { deleteBatch } from './adapter-instances.ts';
import { toInstance } from './mapping.ts';
import { PATHS, templateId } from './paths.ts';
import { differingFields, templateBody } from './spec-body.ts';
import { parseWireTime, WireExpandIds, WireInstanceList, WireTemplate } from './wire.ts';
import { z } from 'zod';

/** The broker's expand creates its machines one by one at the backend before answering (A57). */
const EXPAND_MS_PER_MACHINE = 5_000;
const MAX_TIMEOUT_MS = 300_000;

export function groupsPart(ctx: LegacyContext): Partial<ProviderAdapter> {
  const { client, options, logger } = ctx;

  /** Op 2's content as sent (the expand body, A57) and as read. */
  async function readTemplate(id: string, operation: string) {
    const envelope = await client.envelope({
      method: 'GET',
      path: PATHS.template(templateId(operation, id)),
      operation,
      idempotent: true,
    });
    const template = parseWire(operation, WireTemplate, envelope.content ?? null);
    // A soft-deleted template (A61) is gone for every purpose here.
    if (parseWireTime(template.DeleteTime) !== null)
      throw new ProviderError(PROVIDER, operation, 'not_found', undefined, `template ${id} is deleted`);
    return { raw: envelope.content as Record<string, unknown>, template };
  }

  async function isGone(id: string): Promise<boolean> {
    try {
      await readTemplate(id, 'groups.delete');
      return false;
    } catch (err) {
      return isNotFound(err);
    }
  }

  async function members(groupId: string, operation: string) {
    return client.content(
      { method: 'GET', path: PATHS.members(templateId(operation, groupId)), operation, idempotent: true },
      WireInstanceList,
    );
  }

  return {
    async createGroup(input) {
      const body = templateBody(input.name, input.spec, options, 'groups.create');
      const id = await client.content(
        { method: 'POST', path: PATHS.templates, operation: 'groups.create', idempotent: false, json: body },
        z.number().int().nonnegative(),
      );
      return { groupId: String(id) };
    },

    // The broker has no template update (A56): in step means every wire field already agrees.
    async updateGroup(groupId, input) {
      const wanted = templateBody(input.name, input.spec, options, 'groups.update');
      const { template } = await readTemplate(groupId, 'groups.update');
      const differ = differingFields(template, wanted);
      if (differ.length > 0)
        throw new ProviderError(
          PROVIDER,
          'groups.update',
          'conflict',
          undefined,
          `the platform cannot change a template; these fields differ: ${differ.join(', ')}`,
        );
      if (template.Name !== wanted.Name)
        logger.info({ operation: 'groups.update', groupId }, 'template renamed; the platform keeps its old label');
    },

    async deleteGroup(groupId) {
      try {
        await client.content(
          {
            method: 'DELETE',
            path: PATHS.template(templateId('groups.delete', groupId)),
            operation: 'groups.delete',
            idempotent: true,
          },
          z.unknown(),
        );
      } catch (err) {
        if (isNotFound(err)) return;
        // "Delete cluster err" does not say why (A61): a template already gone is a delete done.
        if (err instanceof ProviderError && err.providerCode === '10999' && (await isGone(groupId))) return;
        throw err;
      }
    },

    async listGroupMembers(groupId) {
      return (await members(groupId, 'groups.members')).map((m) => toInstance(m, options.statusMap));
    },

    async expandGroup({ groupId, count, requestId }) {
      const operation = 'groups.expand';
      if (!Number.isInteger(count) || count < 1)
        throw new ProviderError(PROVIDER, operation, 'invalid', undefined, 'an expand adds at least one machine');
      checkCorrelationId(operation, requestId);
      const { raw, template } = await readTemplate(groupId, operation);
      if (template.Provider === PHYSICAL_BACKEND)
        throw new ProviderError(PROVIDER, operation, 'invalid', undefined, 'registered machines cannot be expanded');
      const base = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const ids = await client.content(
        {
          method: 'POST',
          path: PATHS.expand(groupId, count),
          operation,
          // Never re-sent: a repeat would make more machines. The engine finds a lost answer's machines
          // in the membership and, by this correlation id, in the broker's logs (A57).
          idempotent: false,
          correlationId: requestId,
          // The stored template, back as it came (the body repeats it; A57).
          json: raw,
          timeoutMs: Math.min(MAX_TIMEOUT_MS, base + EXPAND_MS_PER_MACHINE * count),
        },
        WireExpandIds,
      );
      if (ids.length !== count)
        logger.warn({ operation, groupId, count, named: ids.length }, 'expand answer names another number of machines');
      return { instanceIds: ids, jobId: null };
    },

    async shrinkGroup({ groupId, instanceIds, requestId }) {
      const operation = 'groups.shrink';
      checkCorrelationId(operation, requestId);
      // The batch delete is not scoped to a template: only machines still in this one are sent (A59).
      const current = new Set((await members(groupId, operation)).map((m) => m.InstanceId));
      const victims = [...new Set(instanceIds)].filter((id) => current.has(id));
      const others = instanceIds.length - victims.length;
      if (others > 0)
        logger.info({ operation, groupId, others }, 'machines no longer in the template were not sent to delete');
      if (victims.length > 0) await deleteBatch(ctx, victims, requestId, operation);
      return { jobId: null };
    },
  };
}
