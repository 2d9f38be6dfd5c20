/** Reads a Server-Sent Events body into messages (eventsource-parser does the framing). */
import type { Readable } from 'node:stream';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseMessage = EventSourceMessage;

/**
 * Yields each message as it completes. Ends when the body ends; throws when
 * the connection breaks. Leaving the loop early destroys the body.
 */
export async function* readEvents(body: Readable): AsyncGenerator<SseMessage> {
  const ready: SseMessage[] = [];
  const parser = createParser({ onEvent: (m) => ready.push(m) });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      while (ready.length) yield ready.shift()!;
    }
  } finally {
    body.destroy();
  }
}
