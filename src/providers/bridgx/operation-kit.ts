/** What every BridgX operation is made of, and the pieces several of them share. */
import { z } from 'zod';
import { PAGE_SIZE, type BridgxClient } from './client.ts';
import { parseBridgxTime } from './time.ts';
import type { WireRule } from './wire.ts';

export interface BridgxOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  input: I;
  output: O;
  run(client: BridgxClient, input: z.infer<I>): Promise<z.infer<O>>;
}

export const define = <I extends z.ZodType, O extends z.ZodType>(op: BridgxOperation<I, O>): BridgxOperation<I, O> =>
  op;

export const Paging = {
  pageNumber: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(PAGE_SIZE).default(10),
};
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD, a day in UTC+08:00');
export const Name = z.string().min(2).max(128);
export const iso = (s: string) => parseBridgxTime(s)?.toISOString() ?? null;
export const get = (path: string, operation: string, query: Record<string, string | number | undefined>) =>
  ({ method: 'GET', path, operation: `operations.${operation}`, idempotent: true, query }) as const;

export const Rule = z.object({
  protocol: z.string(),
  direction: z.string(),
  portRange: z.string().describe('As BridgX wrote it ("1-65535", "" for all ports)'),
  portFrom: z.number().nullable(),
  portTo: z.number().nullable(),
  groupId: z.string().nullable(),
  cidrIp: z.string().nullable(),
  prefixListId: z.string().nullable(),
});
export const orNull = (s: string) => (s === '' ? null : s);
export const toRule = (r: WireRule): z.infer<typeof Rule> => ({
  protocol: r.protocol,
  direction: r.direction,
  portRange: r.port_range,
  portFrom: r.port_from ?? null,
  portTo: r.port_to ?? null,
  groupId: orNull(r.group_id),
  cidrIp: orNull(r.cidr_ip),
  prefixListId: orNull(r.prefix_list_id),
});
