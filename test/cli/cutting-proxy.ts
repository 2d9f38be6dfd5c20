/**
 * A tiny HTTP proxy in front of the API that can spoil its event streams:
 * `cut` forwards a stream, then destroys the connection after a number of
 * events (a given number of times); `refuse` answers every stream with a 502.
 * Everything else is passed through. It records each request it saw, and can
 * play an outage (stop, then restart on the same port).
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  lastEventId: string | undefined;
}

export interface ProxyOptions {
  mode: 'cut' | 'refuse';
  /** cut: destroy the stream once this many events (lines `id: …`) went through. */
  afterEvents?: number;
  /** cut: spoil only the first N streams; later ones pass. */
  times?: number;
}

export async function startCuttingProxy(target: string, opts: ProxyOptions) {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  let cuts = 0;
  const server = createServer((req, res) => {
    const lastEventId = req.headers['last-event-id'];
    seen.push({ method: req.method ?? '', url: req.url ?? '', lastEventId: lastEventId as string | undefined });
    const isStream = /\/events(\?|$)/.test(req.url ?? '');
    if (isStream && opts.mode === 'refuse') {
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: '/problems/bad-gateway', title: 'Bad gateway', status: 502, detail: 'proxy' }));
      return;
    }
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    const out = request(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        const spoil = isStream && up.statusCode === 200 && cuts < (opts.times ?? 1);
        if (!spoil) return void up.pipe(res);
        let events = 0;
        let cut = false;
        up.on('data', (chunk: Buffer) => {
          if (cut) return;
          events += chunk.toString().match(/^id: /gm)?.length ?? 0;
          if (events < (opts.afterEvents ?? 1)) return void res.write(chunk);
          // Cut once what went through has reached the client: an abrupt close, not a clean end.
          cut = true;
          cuts++;
          up.destroy();
          res.write(chunk, () => res.socket?.destroy());
        });
        up.on('end', () => res.end());
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    cuts: () => cuts,
    /** An outage: every connection dropped, the port closed, until `restart`. */
    stop: close,
    restart: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close,
  };
}
