/**
 * Machine counts of the legacy cluster simulator (A38): op 6 samples the machines on the
 * broker's books over the last N hours, op 7 at one past instant. Every value is a string,
 * the keys are provider names plus `time` and `total`, sorted as Go marshals a map.
 */
import type { FastifyInstance } from 'fastify';
import { CODE, type LegacyContext, MSG, TENANT, atoi, failure, ok } from './simulator-context.ts';
import { machineOf } from './simulator-model.ts';
import { localTime, parseLocalTime } from './simulator-render.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

const HOUR = 3_600_000;
const MAX_HOURS = 720;

/** The range start, every whole local hour after it, and now (unless now is a whole hour). */
export function sampleTimes(now: number, hours: number, offsetMinutes: number): number[] {
  const start = now - hours * HOUR;
  const offset = offsetMinutes * 60_000;
  const times = [start];
  for (let t = Math.floor((start + offset) / HOUR) * HOUR + HOUR - offset; t <= now; t += HOUR) times.push(t);
  if (times.at(-1) !== now) times.push(now);
  return times;
}

export function registerCountRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;
  const tz = (): number => ctx.settings.utcOffsetMinutes;

  const sample = (at: number): Record<string, string> => {
    const counts = ctx.state.ledger.countsAt(at);
    const out: Record<string, string> = { time: localTime(at, tz()) };
    let total = 0;
    for (const [provider, n] of counts) {
      out[provider] = String(n);
      total += n;
    }
    out.total = String(total);
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  const syncLedger = (now: number): void =>
    ctx.state.ledger.sync(engine.instances.all(TENANT), (i) => machineOf(i).Provider, now);

  app.get<{ Params: { hour: string } }>(
    '/v1/cluster/number/:hour',
    { config: { simOp: LEGACY_OPS[6] } },
    async (req) => {
      const hours = atoi(req.params.hour);
      if (hours === undefined || hours <= 0 || hours > MAX_HOURS) return failure(CODE.input, MSG.input);
      const now = engine.clock.now();
      syncLedger(now);
      return ok(sampleTimes(now, hours, tz()).map(sample));
    },
  );

  app.get<{ Params: { time: string } }>(
    '/v1/cluster/oldnumber/:time',
    { config: { simOp: LEGACY_OPS[7] } },
    async (req) => {
      const now = engine.clock.now();
      const at = parseLocalTime(req.params.time, tz());
      if (at === undefined || at > now) return failure(CODE.input, MSG.input);
      syncLedger(now);
      return ok(sample(at));
    },
  );
}
