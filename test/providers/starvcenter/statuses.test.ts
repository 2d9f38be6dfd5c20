/**
 * The state tables, walked against the catalog's lists (§5.1–§5.4), which are written out
 * here from the catalog rather than copied from the adapter, so a dropped row fails. The
 * over-the-wire walk (each `vm.state` forced on a simulated VM and read back through the
 * adapter) is in adapter-statuses.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstanceStatus } from '../../../src/domain/instance.ts';
import {
  HOST_STATES,
  TASK_RESULTS,
  VM_LOCK_CODES,
  VM_STATES,
  hostStateName,
  taskResult,
  toStatus,
} from '../../../src/providers/starvcenter/statuses.ts';
import { jobStateOfVm } from '../../../src/providers/starvcenter/jobs.ts';

// Catalog §5.1 (Appendix 1, L3924–L3960) with its recommended unified status.
const CATALOG_VM_STATES: Record<string, InstanceStatus> = {
  '0': 'stopped',
  '1': 'running',
  '2': 'stopped',
  '3': 'pending',
  '4': 'pending',
  '-1': 'unknown',
  '-2': 'error',
};

describe('vm.state table', () => {
  it('has a row for every catalogued state and nothing else', () => {
    expect([...VM_STATES].sort()).toEqual(Object.keys(CATALOG_VM_STATES).sort());
  });

  it.each(Object.entries(CATALOG_VM_STATES))('maps state %s to %s and keeps the raw value', (raw, status) => {
    expect(toStatus(raw)).toEqual({ status, statusRaw: raw });
  });

  it('lets an account override a row', () => {
    expect(toStatus('2', { '2': 'running' })).toEqual({ status: 'running', statusRaw: '2' });
    expect(toStatus('-1', { '-1': 'error' }).status).toBe('error');
  });

  it('maps anything else to unknown and never throws', () => {
    expect(toStatus('9')).toEqual({ status: 'unknown', statusRaw: '9' });
    expect(toStatus(undefined)).toEqual({ status: 'unknown', statusRaw: '' });
    expect(toStatus('constructor').status).toBe('unknown');
    fc.assert(
      fc.property(fc.string(), (raw) => {
        expect(InstanceStatus.options).toContain(toStatus(raw).status);
      }),
    );
  });
});

describe('the other appendices', () => {
  it('lists the 15 lock codes of Appendix 2 (0 unlocked, 1–14 locked)', () => {
    expect(
      Object.keys(VM_LOCK_CODES)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([...Array(15).keys()]);
  });

  it.each([
    ['0', 'stopped'],
    ['1', 'running'],
    ['2', 'offline'],
    ['-1', 'fault_detection'],
    ['-2', 'ha_check'],
  ])('names host state %s %s (Appendix 3)', (raw, name) => {
    expect(hostStateName(raw)).toBe(name);
  });

  it('has every host state and reads others as unknown', () => {
    expect(Object.keys(HOST_STATES).sort()).toEqual(['-1', '-2', '0', '1', '2']);
    expect(hostStateName('7')).toBe('unknown');
    expect(hostStateName(null)).toBeNull();
  });

  it.each([
    ['3', 'running'],
    ['2', 'running'],
    ['0', 'succeeded'],
    ['1', 'failed'],
    ['4', 'failed'],
    ['5', 'failed'],
    ['6', 'failed'],
    ['7', 'failed'],
  ])('reads task-log result %s as a %s job (Appendix 4)', (raw, state) => {
    expect(taskResult(raw)).toBe(state);
  });

  it('has every task-log code', () => {
    expect(Object.keys(TASK_RESULTS).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
  });
});

describe('a create job read from its VM (A57)', () => {
  it.each([
    ['3', 'running'],
    ['4', 'running'],
    ['-1', 'running'],
    ['1', 'succeeded'],
    ['0', 'succeeded'],
    ['2', 'succeeded'],
    ['-2', 'failed'],
    ['99', 'running'],
  ])('is %s → %s', (raw, state) => {
    const job = jobStateOfVm('vm01', raw);
    expect(job.state).toBe(state);
    expect(job.instanceIds).toEqual(['vm01']);
  });

  it('says why a failed create failed', () => {
    expect(jobStateOfVm('vm01', '-2')).toMatchObject({
      providerCode: '-2',
      providerMessage: expect.stringContaining('-2'),
    });
  });
});
