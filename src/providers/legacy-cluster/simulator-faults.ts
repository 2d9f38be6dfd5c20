/**
 * How the legacy cluster simulator says "no" (A2, A3 of the header): every refusal of
 * the broker is an HTTP 200 envelope; only what a gateway in front of it would say (5xx, 429,
 * 504, an auth header it wants) and a path no route matches use other HTTP statuses.
 * A `refuse` fault without a code answers the operation's own documented failure.
 */
import { type PlatformErrorInput, statusText } from '../../sim/index.ts';
import { CODE, type Envelope, MSG, failure } from './simulator-context.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

interface Failure {
  code: number;
  msg: string;
  content?: unknown;
}

const DRIVER: Failure = { code: CODE.serviceError, msg: MSG.unknownDriver };

/** The documented failure of each operation (the simulator's own wording where the document has none). */
const OP_FAILURE: Record<string, Failure> = {
  [LEGACY_OPS[1]]: { code: CODE.serviceError, msg: MSG.noRow },
  [LEGACY_OPS[2]]: { code: CODE.serviceError, msg: MSG.noRow },
  [LEGACY_OPS[3]]: { code: CODE.serviceError, msg: MSG.createCluster },
  [LEGACY_OPS[4]]: { code: CODE.serviceError, msg: MSG.deleteCluster },
  [LEGACY_OPS[5]]: { code: CODE.serviceError, msg: MSG.noRow },
  [LEGACY_OPS[6]]: { code: CODE.serviceError, msg: MSG.counts },
  [LEGACY_OPS[7]]: { code: CODE.serviceError, msg: MSG.countsAt },
  [LEGACY_OPS[8]]: { code: CODE.serviceError, msg: 'create instance err' },
  [LEGACY_OPS[9]]: { code: CODE.serviceError, msg: MSG.getOne },
  [LEGACY_OPS[10]]: { code: CODE.serviceError, msg: MSG.start, content: false },
  [LEGACY_OPS[11]]: { code: CODE.serviceError, msg: MSG.status, content: false },
  [LEGACY_OPS[12]]: { code: CODE.serviceError, msg: MSG.updateStatus, content: false },
  [LEGACY_OPS[13]]: { code: CODE.serviceError, msg: 'delete instance err' },
  [LEGACY_OPS[14]]: { code: CODE.missing, msg: MSG.noRow },
  [LEGACY_OPS[15]]: { code: CODE.missing, msg: MSG.noRow },
  [LEGACY_OPS[16]]: { code: CODE.missing, msg: MSG.noRow },
  [LEGACY_OPS[17]]: DRIVER,
  [LEGACY_OPS[18]]: DRIVER,
  [LEGACY_OPS[19]]: DRIVER,
  [LEGACY_OPS[20]]: DRIVER,
  [LEGACY_OPS[21]]: DRIVER,
  [LEGACY_OPS[22]]: DRIVER,
  [LEGACY_OPS[23]]: DRIVER,
  [LEGACY_OPS[24]]: DRIVER,
  [LEGACY_OPS[25]]: DRIVER,
  [LEGACY_OPS[26]]: { code: CODE.serviceError, msg: MSG.listAll },
  [LEGACY_OPS[27]]: { code: CODE.serviceError, msg: MSG.listAll },
  // A3: the documented failures with code 0.
  [LEGACY_OPS[28]]: { code: CODE.ok, msg: MSG.toJson },
  [LEGACY_OPS[29]]: { code: CODE.ok, msg: MSG.toJson },
  [LEGACY_OPS[30]]: { code: CODE.ok, msg: MSG.toJson },
  [LEGACY_OPS[31]]: { code: CODE.input, msg: MSG.input },
  [LEGACY_OPS[32]]: { code: CODE.input, msg: MSG.input },
};

const GATEWAY_KINDS = new Set(['http_error', 'timeout', 'rate_limit']);

const codeOf = (raw: string | undefined): number | undefined =>
  raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : undefined;

export function legacyErrorStatus(e: PlatformErrorInput): number {
  if (GATEWAY_KINDS.has(e.kind) || e.kind === 'auth') return e.status;
  if (e.kind === 'not_found' && e.op === undefined) return 404;
  return 200;
}

export function renderLegacyError(e: PlatformErrorInput): Envelope | string {
  // Go's router answers an unknown path in plain text.
  if (e.kind === 'not_found' && e.op === undefined) return '404 page not found';
  if (e.kind === 'auth') return failure(e.status, e.message ?? statusText(e.status));
  if (GATEWAY_KINDS.has(e.kind)) return failure(codeOf(e.code) ?? CODE.serviceError, e.message ?? statusText(e.status));
  if (e.op === undefined) return failure(CODE.input, MSG.input);
  const f = OP_FAILURE[e.op] ?? { code: CODE.serviceError, msg: 'SERVICE_ERROR' };
  return failure(codeOf(e.code) ?? f.code, e.message ?? f.msg, f.content ?? null);
}

/** A malformed 200: a truncated envelope, or one whose fields are not the envelope's. */
export function renderLegacyMalformed(mode: 'invalid_json' | 'wrong_shape'): string {
  return mode === 'invalid_json'
    ? '{"code":0,"msg":null,"content":[{"Id":1,"InstanceId":"i-2ze'
    : '{"code":"SERVICE_SUCCESS","msg":0,"content":{"unexpected":true}}';
}
