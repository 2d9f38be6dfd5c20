/**
 * Reading VMs: by id (#4), by search (#3), and the not-found rule (A49). The document has no
 * not-found code, so a `"1"` from `GET cloudvm/{id}` is believed only when a search by id
 * (fuzzy, D24, compared exactly here) does not show the VM either.
 */
import { ProviderError } from '../contract.ts';
import { FAILURE, type StarPage, type StarVCenterClient } from './client.ts';
import { WireVm } from './wire.ts';

export const isFailure = (err: unknown): err is ProviderError =>
  err instanceof ProviderError && err.providerCode === FAILURE;

export interface VmReads {
  read(id: string, operation: string): Promise<WireVm>;
  search(operation: string, param: Record<string, string>): Promise<StarPage<WireVm>>;
  /** The VM, or null when the platform no longer knows it. */
  find(id: string, operation: string): Promise<WireVm | null>;
}

export function createVmReads(client: StarVCenterClient): VmReads {
  const read = (id: string, operation: string) =>
    client.data({ method: 'GET', path: `cloudvm/${encodeURIComponent(id)}`, operation, idempotent: true }, WireVm);
  const search = (operation: string, param: Record<string, string>) =>
    client.list({ method: 'POST', path: 'cloudvm/search', operation, idempotent: true, param }, WireVm);
  return {
    read,
    search,
    async find(id, operation) {
      try {
        return await read(id, operation);
      } catch (err) {
        if (!isFailure(err)) throw err;
        const found = await search(operation, { 'vm.id': id });
        if (found.items.some((vm) => vm['vm.id'] === id)) throw err;
        return null;
      }
    },
  };
}
