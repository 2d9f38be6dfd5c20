/**
 * One Redis subscriber per API process wakes every SSE stream waiting on a
 * task when the worker (on any machine) appends its events. Waiting also
 * times out, so a lost message only delays a stream, never stalls it.
 */
import type { Redis } from 'ioredis';
import { eventChannel } from '../tasks/events.ts';

export function createEventWaker(subscriber: Redis, prefix: string) {
  const waiting = new Map<string, Set<() => void>>();
  subscriber.on('message', (channel: string) => {
    const taskId = channel.slice(channel.lastIndexOf(':') + 1);
    for (const wake of waiting.get(taskId) ?? []) wake();
  });

  return {
    /** Resolves when the task has news, after `ms`, or when `signal` aborts. */
    async wait(taskId: string, ms: number, signal: AbortSignal): Promise<void> {
      let set = waiting.get(taskId);
      if (!set) {
        set = new Set();
        waiting.set(taskId, set);
        await subscriber.subscribe(eventChannel(prefix, taskId)).catch(() => undefined);
      }
      const listeners = set;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          listeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        listeners.add(done);
      });
      if (listeners.size === 0 && waiting.get(taskId) === listeners) {
        waiting.delete(taskId);
        await subscriber.unsubscribe(eventChannel(prefix, taskId)).catch(() => undefined);
      }
    },
    close: () => subscriber.quit().catch(() => undefined),
  };
}

export type EventWaker = ReturnType<typeof createEventWaker>;
