import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatus } from '../../../src/domain/instance.ts';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { H3C_STATUSES, toStatus } from '../../../src/providers/h3c-cloudos/statuses.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { BASE_OPTIONS, PASSWORD_CREDENTIALS, startH3c, type H3cHarness } from './harness.ts';

// Written from the catalog (part 1 §6.2: ACTIVE documented, the rest the upstream Nova set),
// not copied from the adapter, so a row dropped from the table fails here.
const EXPECTED: Record<string, InstanceStatus> = {
  ACTIVE: 'running',
  BUILD: 'pending',
  DELETED: 'deleted',
  ERROR: 'error',
  HARD_REBOOT: 'rebooting',
  MIGRATING: 'running',
  PASSWORD: 'running',
  PAUSED: 'stopped',
  REBOOT: 'rebooting',
  REBUILD: 'pending',
  RESCUE: 'running',
  RESIZE: 'rebooting',
  REVERT_RESIZE: 'rebooting',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  SHUTOFF: 'stopped',
  SOFT_DELETED: 'deleted',
  SUSPENDED: 'stopped',
  UNKNOWN: 'unknown',
  VERIFY_RESIZE: 'running',
};

describe('status table', () => {
  it('has a row for every catalogued status and nothing else', () => {
    expect([...H3C_STATUSES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('maps %s to %s and keeps the raw value', (raw, status) => {
    expect(toStatus(raw)).toEqual({ status, statusRaw: raw });
  });

  it.each([
    ['ACTIVE', 'powering-off', 'stopping'],
    ['SHUTOFF', 'powering-on', 'starting'],
    ['ACTIVE', 'rebooting_hard', 'rebooting'],
    ['DELETED', 'deleting', 'deleting'],
    ['ERROR', 'deleting', 'deleting'],
    ['BUILD', 'spawning', 'pending'],
    ['ACTIVE', 'image_snapshot', 'running'],
    ['SUSPENDED', 'resuming', 'starting'],
  ])('reads %s with task_state %s as %s', (raw, task, status) => {
    expect(toStatus(raw, task).status).toBe(status);
  });

  it('maps an unknown value to unknown and never throws', () => {
    expect(toStatus('MELTING')).toEqual({ status: 'unknown', statusRaw: 'MELTING' });
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (raw, task) => {
        expect(InstanceStatus.options).toContain(toStatus(raw, task).status);
      }),
    );
  });

  it('lets account overrides win, a status/task pair before a plain status', () => {
    expect(toStatus('ACTIVE', null, { ACTIVE: 'error' }).status).toBe('error');
    expect(toStatus('ACTIVE', 'powering-off', { ACTIVE: 'error' }).status).toBe('error');
    expect(toStatus('ACTIVE', 'powering-off', { 'ACTIVE/powering-off': 'running', ACTIVE: 'error' }).status).toBe(
      'running',
    );
    expect(toStatus('MELTING', null, { MELTING: 'error' })).toEqual({ status: 'error', statusRaw: 'MELTING' });
  });
});

describe('statuses over the wire', () => {
  let h: H3cHarness;
  let p: Provider;
  let overridden: Provider;
  let id: string;

  beforeAll(async () => {
    h = await startH3c();
    p = h.provider(PASSWORD_CREDENTIALS).provider;
    overridden = h.provider(PASSWORD_CREDENTIALS, { ...BASE_OPTIONS, statusMap: { SUSPENDED: 'unknown' } }).provider;
    const [zones, types, images] = await Promise.all([p.listZones(), p.listInstanceTypes(), p.listImages()]);
    const spec = MachineSpec.parse({ zone: zones[0]!.id, instanceType: types[0]!.id, image: images[0]!.id });
    id = (await p.createInstance({ name: 'cp-status-1', spec, tags: {} })).instanceId!;
  });
  afterAll(() => h?.close());

  it.each(Object.entries(EXPECTED))('reports a forced %s as %s', async (raw, status) => {
    await h.control('POST', `/instances/${id}/force`, { status: raw });
    expect(await p.getInstance(id)).toMatchObject({ status, statusRaw: raw });
  });

  it('applies the account status map to what the platform reports', async () => {
    await h.control('POST', `/instances/${id}/force`, { status: 'SUSPENDED' });
    expect(await overridden.getInstance(id)).toMatchObject({ status: 'unknown', statusRaw: 'SUSPENDED' });
    expect(await p.getInstance(id)).toMatchObject({ status: 'stopped', statusRaw: 'SUSPENDED' });
  });
});
