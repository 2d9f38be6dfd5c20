/** A simulator's control API (`/_sim`), which every simulator mounts, called over real HTTP. */
import { request } from 'undici';

export type SimControl = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<any>;

export function simControl(baseUrl: string, prefix = '/_sim'): SimControl {
  return async (method, path, body) => {
    const res = await request(`${baseUrl}${prefix}${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`control ${method} ${path}: ${res.statusCode} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}
