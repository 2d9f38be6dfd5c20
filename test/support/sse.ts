/** Reads a task's Server-Sent Events over real HTTP until the server ends the stream. */
import { request } from 'undici';
import { expect } from 'vitest';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

export async function readTaskEvents(
  baseUrl: string,
  taskId: string,
  headers: Record<string, string>,
  lastEventId?: string,
): Promise<SseEvent[]> {
  const res = await request(`${baseUrl}/v1/tasks/${taskId}/events`, {
    headers: { ...headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
    bodyTimeout: 60_000,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  const text = await res.body.text();
  return text
    .split('\n\n')
    .map((block): SseEvent | null => {
      const lines = block.split('\n').filter((l) => l && !l.startsWith(':') && !l.startsWith('retry:'));
      if (lines.length === 0) return null;
      const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      return {
        id: field('id'),
        event: field('event') ?? 'message',
        data: JSON.parse(field('data') ?? '{}') as Record<string, unknown>,
      };
    })
    .filter((e): e is SseEvent => e !== null);
}
