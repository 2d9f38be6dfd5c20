/** The shape of one typed broker operation (operations.ts lists them). */
import type { z } from 'zod';
import type { LegacyContext } from './context.ts';

export interface LegacyOperation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  summary: string;
  /** The document's operation number (catalog §3), for the reachability table. */
  op: number;
  input: I;
  output: O;
  run(ctx: LegacyContext, input: z.infer<I>): Promise<z.infer<O>>;
}

export const define = <I extends z.ZodType, O extends z.ZodType>(op: LegacyOperation<I, O>): LegacyOperation<I, O> =>
  op;

/** A GET call of an operation: reads are safe to repeat. */
export const read = (path: string, name: string) => ({
  method: 'GET' as const,
  path,
  operation: `operations.${name}`,
  idempotent: true,
});
