/**
 * Account id → the guarded Provider for it, with credentials opened only here.
 *
 * This is the one place a non-engine caller gets a Provider, so it is where
 * every such platform call enters the account's budget: with a budget, each
 * operation of the handed-out Provider runs through `budget.run` in the
 * given class, and a call that cannot get a slot in time fails with the
 * budget's 503 before anything is sent. The task engine gets the plain
 * Provider (`unbudgeted()`) because it budgets its own calls, lanes
 * included, as the protected class.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Account as AccountRow } from '../generated/prisma/client.ts';
import { notFound } from '../domain/errors.ts';
import type { Capability } from '../domain/providers.ts';
import type { AccountRepository } from '../db/accounts.ts';
import type { AccountBudget, AccountLimit, CallClass } from '../budget/account-budget.ts';
import { BaseAccountOptions, METHOD_OF } from '../providers/contract.ts';
import type { Provider, ProviderPool } from '../providers/registry.ts';

export interface ResolvedAccount {
  row: AccountRow;
  provider: Provider;
}

export interface ProviderBudget {
  budget: AccountBudget;
  /** The limits of an account whose options set none. */
  defaults: AccountLimit;
  class: CallClass;
  /** How long a call waits for the budget before it is refused (503). */
  waitMs: number;
}

/** The account's limits: its own options, else the process defaults. */
export function limitOf(options: unknown, defaults: AccountLimit): AccountLimit {
  const o = BaseAccountOptions.safeParse(options ?? {});
  return {
    concurrency: (o.success ? o.data.concurrency : undefined) ?? defaults.concurrency,
    ratePerSecond: (o.success ? o.data.ratePerSecond : undefined) ?? defaults.ratePerSecond,
  };
}

/** The same Provider, each operation run inside the account's budget. */
function budgeted(provider: Provider, accountId: string, limit: AccountLimit, b: ProviderBudget): Provider {
  const wrapped: Record<string, unknown> = { ...provider };
  for (const [capability, method] of Object.entries(METHOD_OF) as [Capability, keyof Provider][]) {
    const raw = provider[method] as (...a: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) =>
      // An operation the platform lacks answers 501 at once: it costs no platform call, so no budget.
      provider.supports(capability)
        ? b.budget.run(accountId, limit, () => raw(...args), { class: b.class, waitMs: b.waitMs })
        : raw(...args);
  }
  return wrapped as Provider;
}

export function createAccountProviders(deps: {
  prisma: PrismaClient;
  accounts: AccountRepository;
  pool: ProviderPool;
  budget?: ProviderBudget;
}) {
  // One wrapper per pooled Provider: an edited account gets a new Provider, hence new limits.
  const wrappers = new WeakMap<Provider, Provider>();
  const forRow = (row: AccountRow): Provider => {
    const provider = deps.pool.get(deps.accounts.withSecrets(row));
    const b = deps.budget;
    if (!b) return provider;
    let w = wrappers.get(provider);
    if (!w) {
      w = budgeted(provider, row.id, limitOf(row.options, b.defaults), b);
      wrappers.set(provider, w);
    }
    return w;
  };
  return {
    async resolve(accountId: string): Promise<ResolvedAccount> {
      // A deleted account has no platform to reach any more (its credentials are erased).
      const row = await deps.prisma.account.findFirst({ where: { id: accountId, deletedAt: null } });
      if (!row) throw notFound('account', accountId);
      return { row, provider: forRow(row) };
    },
    forRow,
    /** The same accounts, calls in another class of the budget (the refresher's, with its own wait). */
    withClass(cls: CallClass, waitMs: number) {
      return createAccountProviders({
        ...deps,
        ...(deps.budget ? { budget: { ...deps.budget, class: cls, waitMs } } : {}),
      });
    },
    /** Plain Providers, outside the budget: for the task engine, which budgets every call itself. */
    unbudgeted() {
      const { budget: _budget, ...rest } = deps;
      return createAccountProviders(rest);
    },
  };
}

export type AccountProviders = ReturnType<typeof createAccountProviders>;
