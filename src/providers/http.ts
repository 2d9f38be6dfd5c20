/**
 * The one HTTP client every adapter uses (undici): keep-alive connections
 * per platform endpoint (as many as the account's budget lets calls run), a deadline per call, retries with
 * exponential backoff and full jitter for failures that are safe to retry
 * (honouring Retry-After), one log line per call with secrets kept out, and
 * a Prometheus histogram per platform and operation.
 *
 * What is safe to retry: a 429 (the platform did not act), a connection
 * that was refused before anything was sent, and — for idempotent calls
 * only — 5xx answers, resets and timeouts. A create that timed out is NOT
 * re-sent here: it may have happened, and the task engine reconciles it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProviderKind } from '../domain/providers.ts';
import type { Logger } from '../logger.ts';
import {
  ProviderError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type ResponseClassifier,
} from './contract.ts';

export type { HttpClient, HttpRequest, HttpResponse };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpClientOptions {
  provider: ProviderKind;
  baseUrl: string;
  logger: Logger;
  metrics?: Registry;
  timeoutMs: number;
  retry?: Partial<RetryPolicy>;
  /** Extra header names whose values must never be logged (auth headers are always hidden). */
  secretHeaders?: string[];
  /** Reads envelope answers (success or failure inside an HTTP 200); see ResponseClassifier. */
  classify?: ResponseClassifier;
  /** Injected for tests of the backoff; defaults to Math.random. */
  random?: () => number;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 };
const MAX_RETRY_AFTER_MS = 30_000;
const RETRYABLE_IDEMPOTENT = new Set([500, 502, 503, 504]);
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const callMetrics = new WeakMap<
  Registry,
  {
    duration: Histogram<'provider' | 'operation' | 'outcome'>;
    calls: Counter<'provider' | 'operation' | 'outcome' | 'code'>;
  }
>();
function metricsFor(registry: Registry) {
  let m = callMetrics.get(registry);
  if (!m) {
    m = {
      duration: new Histogram({
        name: 'provider_request_duration_seconds',
        help: 'Duration of calls to cloud platforms, by platform, operation and outcome (HTTP status or error kind)',
        labelNames: ['provider', 'operation', 'outcome'] as const,
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
      calls: new Counter({
        name: 'cloudplane_provider_calls_total',
        help: "HTTP calls to cloud platforms (each attempt), by platform, operation, outcome (ok, http_error or the error kind) and the platform's code (or HTTP status)",
        labelNames: ['provider', 'operation', 'outcome', 'code'] as const,
        registers: [registry],
      }),
    };
    callMetrics.set(registry, m);
  }
  return m;
}

/** The counter's outcome and code: the platform's own code where it gave one, else the HTTP status or errno. */
function callLabels(result: Attempt): { outcome: string; code: string } {
  if (result.kind === 'response') {
    const { status } = result.response;
    return { outcome: status < 400 ? 'ok' : 'http_error', code: String(status) };
  }
  if (result.kind === 'refused')
    return { outcome: result.error.kind, code: result.error.providerCode ?? String(result.status) };
  return { outcome: result.error.kind, code: result.error.providerCode ?? '' };
}

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  return Math.round(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function buildPath(path: string, query: HttpRequest['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

type Attempt =
  | { kind: 'response'; response: HttpResponse }
  | { kind: 'error'; error: ProviderError; sent: boolean }
  | { kind: 'refused'; error: ProviderError; notActed: boolean; status: number };

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  // No cap on connections: the account's budget already bounds the calls in flight, across every
  // process. A cap here was a second, hidden limit: an account allowed 200 calls at a time got 64.
  const dispatcher = new Agent({ connections: null, keepAliveTimeout: 10_000, pipelining: 1 });
  const metrics = options.metrics ? metricsFor(options.metrics) : undefined;
  const log = options.logger.child({ provider: options.provider });

  async function attempt(req: HttpRequest, url: URL): Promise<Attempt> {
    const timeoutMs = req.timeoutMs ?? options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(url, { method: req.method, headers, body, dispatcher, signal });
      const text = await res.body.text();
      const response: HttpResponse = {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        text,
        json() {
          try {
            return JSON.parse(text) as unknown;
          } catch (cause) {
            throw new ProviderError(
              options.provider,
              req.operation,
              'malformed',
              undefined,
              'the platform answered with a body that is not JSON',
              {
                cause,
                httpStatus: res.statusCode,
              },
            );
          }
        },
      };
      const verdict = options.classify?.(response, req);
      if (verdict && !verdict.ok)
        return { kind: 'refused', error: verdict.error, notActed: verdict.notActed ?? false, status: res.statusCode };
      return { kind: 'response', response };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (signal.aborted) {
        return {
          kind: 'error',
          sent: true,
          error: new ProviderError(
            options.provider,
            req.operation,
            'timeout',
            undefined,
            `no answer within ${timeoutMs} ms`,
          ),
        };
      }
      return {
        kind: 'error',
        sent: !NOT_SENT_CODES.has(code),
        error: new ProviderError(
          options.provider,
          req.operation,
          'unavailable',
          code || undefined,
          (err as Error).message,
        ),
      };
    }
  }

  return {
    async request(req) {
      const url = new URL(buildPath(req.path.replace(/^\//, ''), req.query), base);
      for (let n = 0; ; n++) {
        const started = performance.now();
        const result = await attempt(req, url);
        const seconds = (performance.now() - started) / 1000;
        const outcome =
          result.kind === 'response'
            ? String(result.response.status)
            : result.kind === 'refused'
              ? `${result.status}:${result.error.providerCode ?? result.error.kind}`
              : result.error.kind;
        metrics?.duration.observe({ provider: options.provider, operation: req.operation, outcome }, seconds);
        metrics?.calls.inc({ provider: options.provider, operation: req.operation, ...callLabels(result) });
        // The path only, never the query: some platforms put tokens there.
        log.debug(
          {
            method: req.method,
            path: url.pathname,
            operation: req.operation,
            outcome,
            ms: Math.round(seconds * 1000),
            attempt: n + 1,
            ...req.logFields,
          },
          'provider call',
        );

        let retryAfterMs: number | undefined;
        let retry = false;
        if (result.kind === 'response') {
          const { status, headers } = result.response;
          if (status === 429) {
            retry = true;
            retryAfterMs = parseRetryAfter(headers['retry-after']);
          } else if (req.idempotent && RETRYABLE_IDEMPOTENT.has(status)) {
            retry = true;
            retryAfterMs = parseRetryAfter(headers['retry-after']);
          }
        } else if (result.kind === 'refused') {
          // A failure told inside the envelope: retried like the HTTP status it stands for.
          retry = result.error.retryable && (req.idempotent || result.notActed);
          retryAfterMs = result.error.retryAfterMs;
        } else {
          retry = req.idempotent || !result.sent;
        }
        if (!retry || n >= policy.retries) {
          if (result.kind !== 'response') throw result.error;
          return result.response;
        }
        const delay =
          retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoffDelay(n, policy, random);
        log.info(
          { operation: req.operation, outcome, attempt: n + 1, delayMs: delay, ...req.logFields },
          'retrying provider call',
        );
        await sleep(delay);
      }
    },
    close: () => dispatcher.close(),
  };
}
