import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatus } from '../../../src/domain/instance.ts';
import { INSPUR_STATUSES, INSPUR_TASK_STATES, toStatus } from '../../../src/providers/inspur-ecs/statuses.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { serverId, startInspur, type InspurHarness } from './harness.ts';

// Written from the catalog (§5.1, seed lines 56–76), not copied from the adapter, so a row
// dropped from the table fails here.
const EXPECTED: Record<string, InstanceStatus> = {
  ACTIVE: 'running',
  DELETED: 'deleted',
  ERROR: 'error',
  PAUSED: 'stopped',
  SOFT_DELETED: 'deleted',
  STOPPED: 'stopped',
  SHUTOFF: 'stopped',
  BUILD: 'pending',
  REBOOT: 'rebooting',
  HARD_REBOOT: 'rebooting',
  RESIZE: 'rebooting',
  REBUILD: 'pending',
  PASSWORD: 'running',
};

// §5.2, seed lines 78–84.
const EXPECTED_TASKS: Record<string, InstanceStatus> = {
  'powering-on': 'starting',
  'powering-off': 'stopping',
  deleting: 'deleting',
};

describe('status table', () => {
  it('has a row for every catalogued status and nothing else', () => {
    expect([...INSPUR_STATUSES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('has a row for every catalogued task state and nothing else', () => {
    expect([...INSPUR_TASK_STATES].sort()).toEqual(Object.keys(EXPECTED_TASKS).sort());
  });

  it.each(Object.entries(EXPECTED))('maps %s to %s in any case and keeps the raw value', (raw, status) => {
    expect(toStatus(raw)).toEqual({ status, statusRaw: raw });
    expect(toStatus(raw.toLowerCase())).toEqual({ status, statusRaw: raw.toLowerCase() });
  });

  it.each(Object.entries(EXPECTED_TASKS))('lets task state %s (any case) say %s', (task, status) => {
    expect(toStatus('active', task).status).toBe(status);
    expect(toStatus('SHUTOFF', task.toUpperCase()).status).toBe(status);
  });

  it.each([
    ['active', 'powering-off', 'stopping'],
    ['shutoff', 'powering-on', 'starting'],
    ['error', 'deleting', 'deleting'],
    // The document's placeholder and unlisted Nova task states leave the status row to decide.
    ['active', 'xxx', 'running'],
    ['ACTIVE', 'image_snapshot', 'running'],
    ['SHUTOFF', '', 'stopped'],
    ['SHUTOFF', null, 'stopped'],
  ] as const)('reads %s with task state %s as %s', (raw, task, status) => {
    expect(toStatus(raw, task)).toEqual({ status, statusRaw: raw });
  });

  it('maps values outside the catalog to unknown, never throwing', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (raw, task) => {
        const out = toStatus(raw, task);
        expect(InstanceStatus.options).toContain(out.status);
        expect(out.statusRaw).toBe(raw);
        const known = Object.hasOwn(EXPECTED, raw.trim().toUpperCase());
        const knownTask = task !== null && Object.hasOwn(EXPECTED_TASKS, task.trim().toLowerCase());
        if (!known && !knownTask) expect(out.status).toBe('unknown');
      }),
    );
  });

  it('applies per-account overrides case-insensitively, a status/task pair before a bare status', () => {
    const overrides = { paused: 'running', 'ACTIVE/Powering-Off': 'running' } as const;
    expect(toStatus('PAUSED', null, overrides).status).toBe('running');
    expect(toStatus('active', 'powering-off', overrides).status).toBe('running');
    expect(toStatus('active', 'powering-on', overrides).status).toBe('starting');
  });
});

describe('every catalogued status, as the simulator reports it', () => {
  let h: InspurHarness;
  let p: Provider;
  const ids = Object.keys(EXPECTED).map((_, i) => serverId(i + 1));

  beforeAll(async () => {
    h = await startInspur({ servers: ids.map((id, i) => ({ id, name: `cp-status-${i}` })) });
    ({ provider: p } = h.provider());
  });
  afterAll(() => h.close());

  it.each(Object.entries(EXPECTED).map(([raw, status], i) => ({ raw, status, id: ids[i]! })))(
    'reads a server forced to $raw as $status, the raw value kept',
    async ({ raw, status, id }) => {
      await h.force(id, raw);
      const m = await p.getInstance(id);
      expect(m).toMatchObject({ status });
      expect(m?.statusRaw.toUpperCase()).toBe(raw);
    },
  );
});
