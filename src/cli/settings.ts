/**
 * Where the CLI finds the API and its key: a flag wins over the environment
 * (`CLOUDPLANE_URL`, `CLOUDPLANE_API_KEY`), the environment over the default.
 * The environment arrives as an argument; nothing here reads process.env.
 */
import { z } from 'zod';
import type { Env } from './ci.ts';
import { UsageError } from './errors.ts';

export const DEFAULT_URL = 'http://localhost:8080';

export interface Settings {
  url: string;
  apiKey: string | undefined;
}

const Url = z.url({ protocol: /^https?$/ });

export function resolveSettings(flags: { url?: string; apiKey?: string }, env: Env): Settings {
  const url = flags.url ?? (env.CLOUDPLANE_URL || undefined) ?? DEFAULT_URL;
  if (!Url.safeParse(url).success) {
    throw new UsageError(`${flags.url ? '--url' : 'CLOUDPLANE_URL'} must be an http(s) URL, got "${url}"`);
  }
  const apiKey = flags.apiKey ?? (env.CLOUDPLANE_API_KEY || undefined);
  return { url, apiKey };
}
