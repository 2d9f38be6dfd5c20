/**
 * What a command runs with: the HTTP client, the printer, the process's
 * streams and environment. Built from the global flags when a command's
 * action starts; the client is made on first use and closed by main.
 */
import type { Command } from 'commander';
import type { Env } from './ci.ts';
import { createApiClient, type ApiClient } from './http.ts';
import { createPrinter, type OutputFormat, type Printer } from './output.ts';
import { resolveSettings } from './settings.ts';

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Env;
}

export interface GlobalFlags {
  url?: string;
  apiKey?: string;
  output: OutputFormat;
  verbose?: boolean;
}

export interface Context {
  readonly client: ApiClient;
  readonly out: Printer;
  readonly io: Io;
  readonly verbose: boolean;
  /** A prompt is possible: stdin and stderr are both terminals. */
  readonly interactive: boolean;
}

export interface ContextFactory {
  (cmd: Command): Context;
  /** Close whatever the contexts opened (the HTTP pool). */
  close(): Promise<void>;
}

export function contextFactory(io: Io, userAgent: string): ContextFactory {
  const clients: ApiClient[] = [];
  const make = (cmd: Command): Context => {
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    const settings = resolveSettings(flags, io.env);
    let client: ApiClient | undefined;
    return {
      get client() {
        if (!client) {
          client = createApiClient({ baseUrl: settings.url, apiKey: settings.apiKey, userAgent });
          clients.push(client);
        }
        return client;
      },
      out: createPrinter(flags.output, io.stdout, io.stderr),
      io,
      verbose: flags.verbose === true,
      interactive: io.stdin.isTTY === true && io.stderr.isTTY === true,
    };
  };
  return Object.assign(make, {
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    },
  });
}
