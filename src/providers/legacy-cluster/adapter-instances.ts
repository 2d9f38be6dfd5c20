/**
 * Machines of the broker: list (op 26), get (op 9), create (op 8, answered by an IP; A50),
 * start (op 10), delete (op 13, batch; A49) and the create "job" that finds the machine an IP
 * names (A50). Stop and reboot do not exist on this platform.
 */
import { ProviderError, type JobState, type ProviderAdapter } from '../contract.ts';
import { PROVIDER, newCorrelationId } from './client.ts';
import { isNotFound, type LegacyContext } from './context.ts';
import { hasAddress, toInstance } from './mapping.ts';
import { PATHS, isRoutableInstanceId, routableInstanceId } from './paths.ts';
import { machineBody } from './spec-body.ts';
import { WireInstance, WireInstanceList } from './wire.ts';
import { z } from 'zod';

/** Ids per batch-delete call: keeps the one path segment well under common URL limits (A49). */
export const DELETE_BATCH = 50;

const IP_JOB = 'ip:';
const WireIp = z.string().regex(/^[0-9a-fA-F:.]{2,45}$/, 'an IP address');

/**
 * Deletes machines through op 13, one call per batch, all under one correlation id (A46, A49).
 * A machine already gone resolves. The broker may refuse a whole batch as "no row found" for
 * one missing id and delete none of the others, so such a batch is sent again one id at a time.
 */
export async function deleteBatch(ctx: LegacyContext, ids: string[], correlationId: string, operation: string) {
  for (const id of ids) routableInstanceId(operation, id);
  const send = (batch: string[]) =>
    ctx.client.envelope({
      method: 'DELETE',
      path: PATHS.instanceBatch(batch),
      operation,
      // Deleting what is already being deleted changes nothing; a repeat after a lost answer is safe.
      idempotent: true,
      correlationId,
    });
  const goneIsDone = (err: unknown) => {
    if (!isNotFound(err)) throw err;
  };
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    const batch = ids.slice(i, i + DELETE_BATCH);
    try {
      await send(batch);
    } catch (err) {
      goneIsDone(err);
      if (batch.length > 1) for (const id of batch) await send([id]).catch(goneIsDone);
    }
  }
}

export function instancesPart(ctx: LegacyContext): Partial<ProviderAdapter> {
  const { client, options } = ctx;
  const statusMap = options.statusMap;

  const listAll = async (operation: string) =>
    client.content({ method: 'GET', path: PATHS.list, operation, idempotent: true }, WireInstanceList);

  return {
    // One call answers the whole list (no paging, A58); the account sees its backend's machines.
    async listInstances(query) {
      const machines = (await listAll('instances.list')).filter((m) => m.Provider === options.backend);
      const items = machines
        .map((m) => toInstance(m, statusMap))
        .filter(
          (m) =>
            (query.name === undefined || m.name === query.name) &&
            (query.namePrefix === undefined || (m.name ?? '').startsWith(query.namePrefix)),
        );
      return { items, nextPageToken: null };
    },

    async getInstance(id) {
      // An id the router would send elsewhere names no machine (A48).
      if (!isRoutableInstanceId(id)) return null;
      try {
        const m = await client.content(
          { method: 'GET', path: PATHS.instance(id), operation: 'instances.get', idempotent: true },
          WireInstance.nullable(),
        );
        return m ? toInstance(m, statusMap) : null;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    async createInstance(req) {
      const body = machineBody(req.spec, options, 'instances.create');
      const ip = await client.content(
        { method: 'POST', path: PATHS.instances, operation: 'instances.create', idempotent: false, json: body },
        WireIp,
      );
      // The answer names an address, not a machine: the machine is found by it once listed (A50).
      return { instanceId: null, jobId: `${IP_JOB}${ip}` };
    },

    async getJob(jobId): Promise<JobState> {
      if (!jobId.startsWith(IP_JOB))
        throw new ProviderError(PROVIDER, 'jobs.get', 'not_found', undefined, `no such job: ${jobId}`);
      const ip = jobId.slice(IP_JOB.length);
      const matches = (await listAll('jobs.get')).filter((m) => m.Provider === options.backend && hasAddress(m, ip));
      // An address may be reused after a delete: the newest row (highest Id) is the machine just made.
      const found = matches.sort((a, b) => b.Id - a.Id)[0];
      return found ? { state: 'succeeded', instanceIds: [found.InstanceId] } : { state: 'running', instanceIds: [] };
    },

    async startInstance(id) {
      const started = await client.content(
        {
          method: 'GET',
          path: PATHS.start(routableInstanceId('instances.start', id)),
          operation: 'instances.start',
          // A GET that acts (defect 29); starting a machine twice leaves it started (A62).
          idempotent: true,
        },
        z.boolean().nullable(),
      );
      if (started !== true)
        throw new ProviderError(
          PROVIDER,
          'instances.start',
          'unavailable',
          '0',
          'the broker did not start the machine',
        );
    },

    // Already gone resolves (A61).
    async deleteInstance(id) {
      await deleteBatch(ctx, [id], newCorrelationId(), 'instances.delete');
    },
  };
}
