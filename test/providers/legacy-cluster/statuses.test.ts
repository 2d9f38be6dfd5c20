/**
 * The undocumented integer `Status` (A47): the default table, written here from the catalog's
 * list (§6.1: 1, 3 and 7 observed) and the header's reasoning rather than copied from the
 * table, and the per-account `statusMap` override, pure and over the wire.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatus } from '../../../src/domain/instance.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { CATALOGUED_STATUSES, TABLE_STATUSES, toStatus } from '../../../src/providers/legacy-cluster/statuses.ts';
import { DEMO_ALIYUN_TEMPLATE_ID, DEMO_STATUS_MAP } from '../../../src/providers/legacy-cluster/simulator-demo.ts';
import { OPTIONS, PLAIN_OPTIONS, startLegacy, type LegacyHarness } from './harness.ts';

const EXPECTED: Record<number, InstanceStatus> = { 0: 'pending', 1: 'pending', 3: 'starting', 7: 'running' };

describe('status table', () => {
  it('has a row for every value the catalog lists, and Go zero', () => {
    expect([...CATALOGUED_STATUSES].sort()).toEqual([1, 3, 7]);
    expect([...TABLE_STATUSES].sort((a, b) => a - b)).toEqual([0, 1, 3, 7]);
  });

  it.each(Object.entries(EXPECTED))('maps %s to %s and keeps the raw value', (raw, status) => {
    expect(toStatus(Number(raw))).toEqual({ status, statusRaw: raw });
  });

  it('maps any other integer to unknown and never throws', () => {
    expect(toStatus(16)).toEqual({ status: 'unknown', statusRaw: '16' });
    fc.assert(
      fc.property(fc.integer(), (raw) => {
        const { status, statusRaw } = toStatus(raw);
        expect(InstanceStatus.options).toContain(status);
        expect(statusRaw).toBe(String(raw));
      }),
    );
  });

  it('lets an account override win for the same value, and only for it', () => {
    expect(toStatus(7, { '7': 'error' }).status).toBe('error');
    expect(toStatus(1, { '7': 'error' }).status).toBe('pending');
    expect(toStatus(16, { '16': 'deleting' })).toEqual({ status: 'deleting', statusRaw: '16' });
    // Keys that are not own properties of the map (prototype names) never match.
    expect(toStatus(7, JSON.parse('{"__proto__": {"7": "error"}}'))).toMatchObject({ status: 'running' });
  });
});

describe('statuses over the wire', () => {
  let h: LegacyHarness;
  let plain: Provider;
  let overridden: Provider;
  let id: string;
  const groupId = String(DEMO_ALIYUN_TEMPLATE_ID);

  beforeAll(async () => {
    h = await startLegacy();
    plain = h.provider(PLAIN_OPTIONS).provider;
    overridden = h.provider(OPTIONS).provider;
    [id] = (await plain.expandGroup({ groupId, count: 1, requestId: 'status-walk' })).instanceIds as [string];
  });
  afterAll(() => h?.close());

  it.each(CATALOGUED_STATUSES.map((s) => [s]))(
    'reports a machine whose Status is %s by the table and by the account override',
    async (raw) => {
      await h.control('POST', `/instances/${id}/force`, { status: String(raw) });
      const mine = EXPECTED[raw]!;
      const theirs = DEMO_STATUS_MAP[String(raw)];
      expect(await plain.getInstance(id)).toMatchObject({ status: mine, statusRaw: String(raw) });
      expect(await overridden.getInstance(id)).toMatchObject({ status: theirs, statusRaw: String(raw) });
      const member = (await plain.listGroupMembers(groupId)).find((m) => m.providerId === id);
      expect(member).toMatchObject({ status: mine, statusRaw: String(raw) });
      expect(await overridden.runOperation('instances.status', { instanceId: id })).toEqual({
        items: [{ instanceId: id, status: theirs, statusRaw: String(raw), ipAddress: expect.any(String) }],
      });
    },
  );

  it('reads a value the broker writes for its own transitions through the override only', async () => {
    await overridden.deleteInstance(id);
    const raw = (await plain.getInstance(id))!.statusRaw;
    expect(await plain.getInstance(id)).toMatchObject({ status: EXPECTED[Number(raw)] ?? 'unknown' });
    expect(await overridden.getInstance(id)).toMatchObject({ status: DEMO_STATUS_MAP[raw] ?? 'unknown' });
  });
});
