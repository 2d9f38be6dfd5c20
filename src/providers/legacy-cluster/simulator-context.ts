/**
 * What the legacy cluster simulator's route modules share: the engine, the settings, the
 * state that a reset rebuilds, the envelope with its documented codes and messages, and the
 * Go-like reading of path parameters, headers and bodies (A4, A5, A10).
 */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { SimEngine } from '../../sim/index.ts';
import type { CountLedger } from './simulator-ledger.ts';
import type { LogStore } from './simulator-logs.ts';
import type { BackendSeed } from './simulator-seed.ts';

/** The broker has no tenants (A1): every machine lives in this one engine tenant. */
export const TENANT = 'legacy';

export const CODE = { ok: 0, serviceError: 10999, range: 11996, input: 12996, missing: 12997 } as const;

/** The document's messages, verbatim (typos and trailing spaces included). */
export const MSG = {
  noRow: 'QuerySeter no row found',
  input: 'Input error!',
  inputBare: 'Input error',
  missing: 'Missing requisite parameter!',
  missingCorrelation: 'Missing requisite parameter(X-CORRELATION-ID)!',
  createCluster: 'Ceate cluster err',
  deleteCluster: 'Delete cluster err',
  counts: 'Get instance detail err',
  countsAt: 'Get instance detail at the time err',
  getOne: 'get one instance err',
  start: 'Could not start instances',
  status: 'get multi instance err:',
  updateStatus: 'update instance status err',
  listAll: 'get all instances error ',
  toJson: 'result to json error',
  unknownDriver: 'unknown backend provider driver: ',
} as const;

export interface Envelope {
  code: number;
  msg: string | null;
  content: unknown;
  ext: unknown;
}

export const ok = (content: unknown, ext: unknown = null): Envelope => ({ code: CODE.ok, msg: null, content, ext });
export const failure = (code: number, msg: string, content: unknown = null): Envelope => ({
  code,
  msg,
  content,
  ext: null,
});
/** The 11996 wording of the document (A15 reuses it for the expand count). */
export const rangeMessage = (field: string, max: number): string =>
  `The paramter (${field}) over size limited and the size range is larger than 0 and less equal ${max}.!`;
/** A31: the driver name follows the documented prefix. */
export const unknownDriver = (provider: string): Envelope =>
  failure(CODE.serviceError, `${MSG.unknownDriver}${provider}`);

export interface OpenstackConfig {
  OpIP: string;
  OpPort: string;
  OpUserName: string;
  OpPassword: string;
}

export interface LegacySettings {
  backends: Readonly<Record<string, BackendSeed>>;
  maxExpand: number;
  listAll: boolean;
  awsPlaceholders: boolean;
  utcOffsetMinutes: number;
}

/** Everything a reset throws away and seeds again. */
export interface LegacyState {
  nextTemplateId: number;
  nextNetworkId: number;
  nextZoneId: number;
  nextRowId: number;
  /** Every address handed out, so no two machines share one. */
  ips: Set<string>;
  /** Key file the broker holds per machine (ops 14, 15); kept out of machine attrs and answers. */
  keys: Map<string, string>;
  openstack: OpenstackConfig;
  logs: LogStore;
  ledger: CountLedger;
}

export interface LegacyContext {
  engine: SimEngine;
  settings: LegacySettings;
  state: LegacyState;
  physicalTemplateId: number;
}

/** A request body that is not JSON (kept so a raw key upload can still read it). */
export class UnreadableBody {
  constructor(readonly text: string) {}
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A4: Go reads a body as JSON whatever its content type; no body parse ever fails the request. */
export const BODY_PARSERS: Record<string, (body: string) => unknown> = {
  'application/json': (text) => {
    if (text === '') return undefined;
    const r = tryJson(text);
    return r.ok ? r.value : new UnreadableBody(text);
  },
  'text/plain': (text) => lenient(text),
  '*': (text) => lenient(text),
};

function lenient(text: string): unknown {
  if (text === '') return undefined;
  const r = tryJson(text);
  return r.ok ? r.value : text;
}

/** A10: strconv.Atoi — optional sign, decimal digits, nothing else. */
export function atoi(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^[+-]?\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

export type CorrelationRead = { ok: true; id: string } | { ok: false; envelope: Envelope };

/** A5: the X-CORRELATION-ID header, required where the document lists it. */
export function correlationIdOf(req: FastifyRequest): CorrelationRead {
  const raw = req.headers['x-correlation-id'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  if (value === '') return { ok: false, envelope: failure(CODE.missing, MSG.missingCorrelation) };
  if (value.length > 255) return { ok: false, envelope: failure(CODE.input, MSG.input) };
  return { ok: true, id: value };
}

/** Canonical field names of a body, nested objects and array items included. */
export interface KeyShape {
  readonly [name: string]: KeyShape | readonly [KeyShape] | null;
}

/** A4: Go's encoding/json matches keys case-insensitively; the later of two spellings wins. */
export function foldKeys(value: unknown, shape: KeyShape): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const canonical = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = canonical.get(key.toLowerCase()) ?? key;
    const sub = shape[name];
    if (sub === undefined || sub === null) out[name] = v;
    else if (isItemShape(sub)) out[name] = Array.isArray(v) ? v.map((item) => foldKeys(item, sub[0])) : v;
    else out[name] = foldKeys(v, sub);
  }
  return out;
}

function isItemShape(s: KeyShape | readonly [KeyShape]): s is readonly [KeyShape] {
  return Array.isArray(s);
}

/** Decodes a body the Go way (folded keys, then the schema); undefined when it does not fit. */
export function decode<T>(schema: z.ZodType<T>, body: unknown, shape: KeyShape): T | undefined {
  const parsed = schema.safeParse(foldKeys(body, shape));
  return parsed.success ? parsed.data : undefined;
}
