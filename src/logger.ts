/**
 * pino, configured once for every process. Secrets are censored by path
 * before a line is written; the adapters' HTTP client adds its own header
 * redaction, and no module logs a request body.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Field names that hold a secret wherever they appear (one and two levels deep). */
const SECRET_FIELDS = [
  'password',
  'passwd',
  'secret',
  'secretKey',
  'token',
  'accessToken',
  'apiKey',
  'key',
  'credentials',
  'authorization',
  'adminPass',
  'privateKey',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-auth-token"]',
  'req.headers["x-subject-token"]',
  'req.headers["key_token"]',
  'res.headers["set-cookie"]',
  'res.headers["x-subject-token"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'cloudplane' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type { Logger };
