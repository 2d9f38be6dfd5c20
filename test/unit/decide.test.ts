import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderInstance } from '../../src/domain/instance.ts';
import { decideCreate, decideDelete, type ItemView, type Observed } from '../../src/tasks/decide.ts';
import { countItems, finalStatus } from '../../src/tasks/outcome.ts';
import { orderVictims } from '../../src/tasks/victims.ts';

const machine = (status: ProviderInstance['status'], providerId = 'vm-1'): ProviderInstance => ({
  providerId,
  name: 'g-abcdef12-1',
  status,
  statusRaw: status.toUpperCase(),
  region: null,
  zone: null,
  instanceType: null,
  image: null,
  privateIps: [],
  publicIps: [],
  tags: {},
  launchedAt: null,
  providerData: {},
});
const item = (over: Partial<ItemView>): ItemView => ({
  action: 'create',
  state: 'planned',
  instanceId: null,
  submittedAt: null,
  attempts: 0,
  ...over,
});
const seen = (over: Partial<Observed> = {}): Observed => ({
  machine: undefined,
  now: 100_000,
  listLagMs: 10_000,
  maxAttempts: 5,
  cancelling: false,
  ...over,
});

describe('decideCreate', () => {
  it('creates a planned item, and adopts a machine its marker already names instead of creating twice', () => {
    expect(decideCreate(item({}), seen())).toEqual({ do: 'create' });
    expect(decideCreate(item({}), seen({ machine: machine('pending') })).do).toBe('adopt');
  });

  it('does not resend a create that may be on its way while the list can still lag', () => {
    const sent = item({ state: 'submitted', submittedAt: new Date(95_000), attempts: 1 });
    expect(decideCreate(sent, seen())).toEqual({ do: 'wait' });
    // Past the lag with nothing listed: the create never happened, send again.
    expect(decideCreate(sent, seen({ now: 200_000 }))).toEqual({ do: 'create' });
  });

  it('fails an item after its attempts run out, and a machine that vanished after it was recorded', () => {
    expect(decideCreate(item({ state: 'submitted', submittedAt: new Date(0), attempts: 5 }), seen()).do).toBe('fail');
    expect(
      decideCreate(item({ state: 'waiting', instanceId: 'vm-1', submittedAt: new Date(0), attempts: 1 }), seen()).do,
    ).toBe('fail');
  });

  it('counts a machine done only when it runs, and fails it when the platform says error', () => {
    const waiting = item({ state: 'waiting', instanceId: 'vm-1', submittedAt: new Date(99_000), attempts: 1 });
    expect(decideCreate(waiting, seen({ machine: machine('pending') }))).toEqual({ do: 'wait' });
    expect(decideCreate(waiting, seen({ machine: machine('running') })).do).toBe('succeed');
    expect(decideCreate(waiting, seen({ machine: machine('error') })).do).toBe('fail');
  });

  it('starts nothing new once cancelling', () => {
    expect(decideCreate(item({}), seen({ cancelling: true }))).toEqual({ do: 'cancel' });
  });

  it('never creates while a machine with its marker exists (property)', () => {
    const states = fc.constantFrom('planned', 'submitted', 'waiting', 'rolling_back') as fc.Arbitrary<
      ItemView['state']
    >;
    const statuses = fc.constantFrom(
      'pending',
      'starting',
      'running',
      'stopping',
      'stopped',
      'rebooting',
      'deleting',
      'error',
      'unknown',
    ) as fc.Arbitrary<ProviderInstance['status']>;
    fc.assert(
      fc.property(
        states,
        statuses,
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 200_000 }),
        (state, status, attempts, cancelling, at) => {
          const step = decideCreate(
            item({ state, attempts, instanceId: state === 'waiting' ? 'vm-1' : null, submittedAt: new Date(at) }),
            seen({ machine: machine(status), cancelling }),
          );
          expect(step.do).not.toBe('create');
        },
      ),
    );
  });
});

describe('decideDelete', () => {
  it('deletes, waits while the platform deletes, and succeeds only when the machine is gone', () => {
    expect(decideDelete(item({ action: 'delete', instanceId: 'vm-1' }), seen({ machine: machine('running') }))).toEqual(
      { do: 'delete' },
    );
    const sent = item({
      action: 'delete',
      state: 'waiting',
      instanceId: 'vm-1',
      submittedAt: new Date(99_000),
      attempts: 1,
    });
    expect(decideDelete(sent, seen({ machine: machine('deleting') }))).toEqual({ do: 'wait' });
    expect(decideDelete(sent, seen())).toEqual({ do: 'succeed' });
  });
});

describe('shrink victims', () => {
  const at = (ms: number) => new Date(ms);
  const c = (id: string, status: string, born: number) => ({
    id,
    providerId: id,
    status,
    firstSeenAt: at(born),
    launchedAt: at(born),
  });
  it('takes broken machines first, then the policy, ties broken by id', () => {
    const group = [
      c('b', 'running', 1),
      c('a', 'running', 3),
      c('c', 'running', 3),
      c('d', 'error', 0),
      c('e', 'unknown', 2),
    ];
    expect(orderVictims(group, 'newest').map((v) => v.id)).toEqual(['e', 'd', 'a', 'c', 'b']);
    expect(orderVictims(group, 'oldest').map((v) => v.id)).toEqual(['d', 'e', 'b', 'a', 'c']);
  });
});

describe('final status', () => {
  const end = (
    states: Record<string, number>,
    more: Partial<{ cancelRequested: boolean; deadlineExceeded: boolean }> = {},
  ) =>
    finalStatus({
      kind: 'expand',
      counts: countItems(states),
      cancelRequested: false,
      deadlineExceeded: false,
      ...more,
    });
  it('follows the item rows', () => {
    expect(end({ succeeded: 3 })).toBe('succeeded');
    expect(end({ succeeded: 2, failed: 1 })).toBe('partially_succeeded');
    expect(end({ failed: 3 })).toBe('failed');
    expect(end({ rolled_back: 2, failed: 1 })).toBe('failed');
    expect(end({ succeeded: 1, cancelled: 2 }, { cancelRequested: true })).toBe('cancelled');
    expect(end({ succeeded: 3 }, { deadlineExceeded: true })).toBe('failed');
  });
});

describe('decideCreate with a platform job', () => {
  const sent = item({ state: 'submitted', attempts: 1, submittedAt: new Date(95_000) });
  it('waits while the job runs, however long the list lag has passed', () => {
    expect(decideCreate({ ...sent, submittedAt: new Date(0) }, seen({ job: { state: 'running' } }))).toEqual({
      do: 'wait',
    });
  });
  it("fails the item with the platform's code when the job fails", () => {
    const step = decideCreate(sent, seen({ job: { state: 'failed', providerCode: '9', providerMessage: 'no host' } }));
    expect(step).toEqual({ do: 'fail', code: '9', message: 'no host' });
  });
  it('never sends the create again once the job succeeded, even when the machine is not listed', () => {
    expect(decideCreate(sent, seen({ job: { state: 'succeeded' } }))).toEqual({ do: 'wait' });
    const late = decideCreate({ ...sent, submittedAt: new Date(0) }, seen({ job: { state: 'succeeded' } }));
    expect(late).toMatchObject({ do: 'fail', code: 'vanished' });
  });
  it('lets a seen machine decide, whatever the job says', () => {
    expect(decideCreate(sent, seen({ machine: machine('running'), job: { state: 'running' } }))).toMatchObject({
      do: 'adopt',
    });
  });
  it('never creates twice for any job state and elapsed time (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('running', 'succeeded', 'failed' as const),
        fc.integer({ min: 0, max: 200_000 }),
        (state, at) => {
          const step = decideCreate({ ...sent, submittedAt: new Date(at) }, seen({ job: { state } }));
          expect(step.do).not.toBe('create');
        },
      ),
    );
  });
});
