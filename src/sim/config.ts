/**
 * Tunables of a simulated cloud: delays of each transition, per-call latency, list lag,
 * and the share of creates that end in error. Validated by zod because the control API
 * lets tests change them over HTTP.
 */
import { z } from 'zod';

const Ms = z.number().int().min(0);

/**
 * The engine's own transition delays, plus any a platform names for its own objects (an image
 * save, a volume attach): extra keys are kept, so `config: { delays: { imageSaveMs: 50 } }` reaches
 * the simulator that reads it, and the control API's PATCH /config tunes them like the others.
 */
export const Delays = z
  .object({
    bootMs: Ms,
    startMs: Ms,
    stopMs: Ms,
    rebootMs: Ms,
    deleteMs: Ms,
    /**
     * Platform jobs that change no machine's power state (disk, resize, backup, snapshot…), for
     * platforms that answer such calls with a job id (StarVCenter `startid`).
     */
    jobMs: Ms,
  })
  .catchall(Ms);
export type Delays = z.infer<typeof Delays>;

export const Latency = z.object({ fixedMs: Ms, jitterMs: Ms });
export type Latency = z.infer<typeof Latency>;

export const SimConfig = z.object({
  delays: Delays,
  latency: Latency,
  /** A created instance shows in list calls only this long after the create. */
  listLagMs: Ms,
  /** Whether a get by id sees an instance while it is still missing from lists. */
  getSeesLagging: z.boolean(),
  /** Chance that a create ends in `error` instead of `running` (seeded). */
  createErrorRate: z.number().min(0).max(1),
  /** Instances whose name matches this regex always end their create in `error`. */
  createErrorNamePattern: z.string().nullable(),
});
export type SimConfig = z.infer<typeof SimConfig>;

export const SimConfigPatch = z
  .object({
    delays: Delays.partial(),
    latency: Latency.partial(),
    listLagMs: Ms,
    getSeesLagging: z.boolean(),
    createErrorRate: z.number().min(0).max(1),
    createErrorNamePattern: z
      .string()
      .refine((s) => isRegex(s), 'not a valid regular expression')
      .nullable(),
  })
  .partial()
  .strict();
export type SimConfigPatch = z.infer<typeof SimConfigPatch>;

export const DEFAULT_SIM_CONFIG: SimConfig = {
  delays: { bootMs: 2000, startMs: 1000, stopMs: 1000, rebootMs: 1000, deleteMs: 1000, jobMs: 1000 },
  latency: { fixedMs: 0, jitterMs: 0 },
  listLagMs: 0,
  getSeesLagging: true,
  createErrorRate: 0,
  createErrorNamePattern: null,
};

export function mergeConfig(base: SimConfig, patch: SimConfigPatch = {}): SimConfig {
  return SimConfig.parse({
    ...base,
    ...patch,
    delays: { ...base.delays, ...patch.delays },
    latency: { ...base.latency, ...patch.latency },
  });
}

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
