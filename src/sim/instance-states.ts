/**
 * The neutral instance state machine every simulator shares. Platforms rename these states
 * (H3C: BUILD/ACTIVE/SHUTOFF…), they do not add transitions of their own to the engine.
 *
 *   creating ─boot─► running | error
 *   running ─stop─► stopping ─► stopped ─start─► starting ─► running
 *   running ─reboot─► rebooting ─► running
 *   any but deleting ─delete─► deleting ─► (gone)
 *
 * Transitions are data: a record keeps `pending = {to, at}` and is settled when read,
 * so idle machines cost no timer.
 */
import type { Delays } from './config.ts';

export const NEUTRAL_STATES = [
  'creating',
  'running',
  'stopping',
  'stopped',
  'starting',
  'rebooting',
  'deleting',
  'error',
] as const;
export type NeutralState = (typeof NEUTRAL_STATES)[number];

/** Where a pending transition lands; `gone` removes the record. */
export type Target = NeutralState | 'gone';

export interface Pending {
  to: Target;
  at: number;
}

export const INSTANCE_ACTIONS = ['start', 'stop', 'reboot', 'delete'] as const;
export type InstanceAction = (typeof INSTANCE_ACTIONS)[number];

interface ActionRule {
  from: readonly NeutralState[];
  via: NeutralState;
  to: Target;
  // One of the engine's own delays (Delays also carries platform-named ones).
  delay: 'startMs' | 'stopMs' | 'rebootMs' | 'deleteMs';
}

export const ACTION_RULES: Record<InstanceAction, ActionRule> = {
  start: { from: ['stopped'], via: 'starting', to: 'running', delay: 'startMs' },
  stop: { from: ['running'], via: 'stopping', to: 'stopped', delay: 'stopMs' },
  reboot: { from: ['running'], via: 'rebooting', to: 'running', delay: 'rebootMs' },
  // Deleting a machine in any state is allowed (a stuck BUILD or ERROR must be removable).
  delete: {
    from: ['creating', 'running', 'stopping', 'stopped', 'starting', 'rebooting', 'error'],
    via: 'deleting',
    to: 'gone',
    delay: 'deleteMs',
  },
};

/** Every edge the machine may take, for tests that check a walk never leaves the graph. */
export const ALLOWED_EDGES: ReadonlySet<string> = new Set([
  'creating>running',
  'creating>error',
  ...Object.values(ACTION_RULES).flatMap((r) => [...r.from.map((f) => `${f}>${r.via}`), `${r.via}>${r.to}`]),
]);

export function isNeutralState(value: string): value is NeutralState {
  return (NEUTRAL_STATES as readonly string[]).includes(value);
}

export interface Settled {
  state: NeutralState;
  pending: Pending | null;
  gone: boolean;
  /** When the last applied transition happened (unchanged if none applied). */
  changedAt: number | null;
}

/** Applies a due pending transition. Pure: callers write the result back. */
export function settle(state: NeutralState, pending: Pending | null, now: number): Settled {
  if (!pending || pending.at > now) return { state, pending, gone: false, changedAt: null };
  if (pending.to === 'gone') return { state, pending: null, gone: true, changedAt: pending.at };
  return { state: pending.to, pending: null, gone: false, changedAt: pending.at };
}

export type ActionCheck =
  | { ok: true; via: NeutralState; pending: Pending; noop: false }
  | { ok: true; noop: true }
  | { ok: false; reason: 'invalid_state'; state: NeutralState };

/** Decides what an action does from a (settled) state. A repeated delete is a no-op, not an error. */
export function planAction(action: InstanceAction, state: NeutralState, delays: Delays, now: number): ActionCheck {
  const rule = ACTION_RULES[action];
  if (action === 'delete' && state === 'deleting') return { ok: true, noop: true };
  if (!rule.from.includes(state)) return { ok: false, reason: 'invalid_state', state };
  return { ok: true, noop: false, via: rule.via, pending: { to: rule.to, at: now + delays[rule.delay] } };
}
