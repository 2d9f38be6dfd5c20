/**
 * Fault injection rules. The engine decides whether and which fault fires for a call (or for
 * one item of a batch call); the platform simulator renders it in its own error shape.
 *
 * Matching: `op` is an exact operation name, a prefix ending in `*` (`servers.*`) or `*`.
 * A rule skips its first `after` matching calls, fires at most `times` times, and when it has
 * a `probability` rolls a die from the engine's seeded `faults` stream, so the same seed and
 * the same call sequence fire the same faults. Rules are checked in insertion order; the
 * first that fires wins.
 */
import { z } from 'zod';
import type { Random } from './random.ts';

/**
 * `lost_answer`: the platform acts on the call (after `holdMs`, even if the caller has given up by
 * then) but its answer never arrives — the case that tests exactly-once creates after a timeout.
 */
export const FaultKind = z.enum(['http_error', 'timeout', 'rate_limit', 'malformed', 'refuse', 'lost_answer']);
export type FaultKind = z.infer<typeof FaultKind>;

export const FaultRuleInput = z
  .object({
    op: z.string().min(1),
    kind: FaultKind,
    /** Per-item checks pass a key (an item name or index); a rule with `key` fires only for it. */
    key: z.string().optional(),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().positive().optional(),
    after: z.number().int().min(0).optional(),
    /** HTTP status (http_error default 500, refuse default 400). */
    status: z.number().int().min(100).max(599).optional(),
    /** Platform error code and message (refuse, http_error). */
    code: z.string().optional(),
    message: z.string().optional(),
    retryAfterSec: z.number().int().min(0).optional(),
    /** timeout: hold this long, then answer 504; absent = hold until the client or server gives up. */
    holdMs: z.number().int().min(0).optional(),
    malformed: z.enum(['invalid_json', 'wrong_shape']).optional(),
  })
  .strict();
export type FaultRuleInput = z.infer<typeof FaultRuleInput>;

export interface FaultRule extends FaultRuleInput {
  id: string;
  seen: number;
  fired: number;
}

export interface FiredFault {
  ruleId: string;
  op: string;
  kind: FaultKind;
  status: number;
  code: string | undefined;
  message: string | undefined;
  retryAfterSec: number;
  holdMs: number | null;
  malformed: 'invalid_json' | 'wrong_shape';
}

export interface FaultRegistry {
  add(rule: FaultRuleInput): FaultRule;
  remove(id: string): boolean;
  clear(): void;
  list(): FaultRule[];
  /** Decide whether a fault fires for this call (or batch item, with `key`). */
  check(op: string, key?: string): FiredFault | null;
}

const DEFAULT_STATUS: Record<FaultKind, number> = {
  http_error: 500,
  timeout: 504,
  rate_limit: 429,
  malformed: 200,
  refuse: 400,
  lost_answer: 200,
};

export function opMatches(pattern: string, op: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return op.startsWith(pattern.slice(0, -1));
  return pattern === op;
}

export function createFaultRegistry(dice: Random): FaultRegistry {
  let rules: FaultRule[] = [];
  let nextId = 1;
  return {
    add(input) {
      const rule: FaultRule = { ...FaultRuleInput.parse(input), id: `f${nextId++}`, seen: 0, fired: 0 };
      rules.push(rule);
      return rule;
    },
    remove(id) {
      const before = rules.length;
      rules = rules.filter((r) => r.id !== id);
      return rules.length !== before;
    },
    clear() {
      rules = [];
    },
    list: () => rules.map((r) => ({ ...r })),
    check(op, key) {
      for (const r of rules) {
        if (!opMatches(r.op, op)) continue;
        if (r.key !== undefined && r.key !== key) continue;
        r.seen++;
        if (r.seen <= (r.after ?? 0)) continue;
        if (r.times !== undefined && r.fired >= r.times) continue;
        if (r.probability !== undefined && !dice.chance(r.probability)) continue;
        r.fired++;
        return {
          ruleId: r.id,
          op,
          kind: r.kind,
          status: r.status ?? DEFAULT_STATUS[r.kind],
          code: r.code,
          message: r.message,
          retryAfterSec: r.retryAfterSec ?? 1,
          holdMs: r.holdMs ?? null,
          malformed: r.malformed ?? 'invalid_json',
        };
      }
      return null;
    },
  };
}
