/**
 * The StarVCenter envelope codec (catalog §2.5–§2.6, A44–A47): business parameters as UTF-8
 * JSON, Base64-encoded into the form field `KEY_PARAM`; answers as the Base64 text of the
 * UTF-8 JSON envelope. Pure functions, no I/O.
 *
 * Writing is strict (standard RFC 4648 alphabet, `=` padding, no line breaks); reading is
 * lenient where old Java encoders and gateways are known to differ (line wraps, URL-safe
 * alphabet, missing padding, a JSON-quoted string, a plain JSON body), and strict about the
 * rest: bytes that are not UTF-8 or text that is not JSON are an error, never half-read.
 */

/** The form field that carries the business parameters (L27–L30). */
export const PARAM_FIELD = 'KEY_PARAM';
/** The header that carries the tenant token (L22–L25). */
export const TOKEN_HEADER = 'KEY_TOKEN';

export class EnvelopeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeDecodeError';
  }
}

/**
 * A parameter object as the platform reads it: keys trimmed of the document's stray spaces
 * (A45); values as given (the caller chose strings, arrays or the one bare boolean, A46).
 */
export function trimKeys(param: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties: a key such as `__proto__` stays a key, never a prototype.
  return Object.fromEntries(Object.entries(param).flatMap(([k, v]) => (v === undefined ? [] : [[k.trim(), v]])));
}

/** Base64 of the UTF-8 JSON text. `Buffer`, not `btoa`, which refuses text outside Latin-1. */
export function encodeParam(param: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(trimKeys(param)), 'utf8').toString('base64');
}

/** The form body: `KEY_PARAM=<Base64>`, with `+`, `/` and `=` percent-encoded (a raw `+` would read as a space). */
export function formBody(param: Record<string, unknown>): string {
  return new URLSearchParams({ [PARAM_FIELD]: encodeParam(param) }).toString();
}

/** Reads a form body back into its parameter object (tests and tools; the platform does this side). */
export function decodeFormBody(body: string): unknown {
  const value = new URLSearchParams(body).get(PARAM_FIELD);
  if (value === null) throw new EnvelopeDecodeError(`no ${PARAM_FIELD} field`);
  return decodeText(value);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Removes all whitespace from object keys, at every depth (`"vm.tenant.type "`, `"monitor. netcardmac"`; D8). */
export function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/\s+/g, ''), normaliseKeys(v)]));
  return value;
}

/** The JSON value a response body carries (Base64 text, or — last resort — plain JSON), keys normalised. */
export function decodeText(text: string): unknown {
  let t = text.trim();
  if (t === '') throw new EnvelopeDecodeError('the answer is empty');
  // A JSON-quoted Base64 string: strip the quotes and the escapes a JSON encoder may add.
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"'))
    t = t
      .slice(1, -1)
      .replace(/\\[rn]/g, '')
      .replace(/\\\//g, '/');
  if (t.startsWith('{') || t.startsWith('[')) return normaliseKeys(parseJson(t, 'the answer'));
  let b64 = t.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64.test(b64)) throw new EnvelopeDecodeError('the answer is neither Base64 nor JSON');
  b64 = b64.replace(/=+$/, '');
  if (b64.length % 4 === 1) throw new EnvelopeDecodeError('the answer is truncated Base64');
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(b64, 'base64'));
  } catch {
    throw new EnvelopeDecodeError('the decoded answer is not UTF-8 text');
  }
  return normaliseKeys(parseJson(decoded.replace(/^\uFEFF/, '').trim(), 'the decoded answer'));
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EnvelopeDecodeError(`${what} is not JSON`);
  }
}

/** Encodes an envelope as the platform sends it (tests; the simulator has its own reading). */
export function encodeAnswer(envelope: unknown): string {
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}
