/**
 * The operations catalog as data: every one of the document's 92 operations is reachable as a
 * declared capability or a catalogued operation; names fit the API's operation-name rule; and
 * every schema can be published as JSON Schema.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STARVCENTER_CAPABILITIES } from '../../../src/providers/starvcenter/adapter.ts';
import { DOCUMENTED, starvcenterOperations } from '../../../src/providers/starvcenter/operations.ts';

const names = starvcenterOperations.map((o) => o.name);

describe('operations catalog', () => {
  it('reaches all 92 documented operations', () => {
    expect(Object.keys(DOCUMENTED).map(Number)).toEqual(Array.from({ length: 92 }, (_, i) => i + 1));
    for (const [n, reach] of Object.entries(DOCUMENTED)) {
      expect(reach.length, `#${n}`).toBeGreaterThan(0);
      for (const r of reach) {
        if ('capability' in r) expect(STARVCENTER_CAPABILITIES, `#${n}`).toContain(r.capability);
        else expect(names, `#${n}`).toContain(r.operation);
      }
    }
  });

  it('lists every catalogued operation under some document number', () => {
    const reached = new Set(
      Object.values(DOCUMENTED)
        .flat()
        .flatMap((r) => ('operation' in r ? [r.operation] : [])),
    );
    expect(names.filter((n) => !reached.has(n))).toEqual([]);
  });

  it('has unique names that the API accepts', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_.-]{0,99}$/);
  });

  it('starts with a harmless read that takes no input', () => {
    const first = starvcenterOperations.find((o) => o.input.safeParse({}).success);
    expect(first?.name).toBe('models.list');
  });

  it('publishes every input and output as JSON Schema', () => {
    for (const op of starvcenterOperations) {
      expect(() => z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }), op.name).not.toThrow();
      expect(() => z.toJSONSchema(op.output, { unrepresentable: 'any' }), op.name).not.toThrow();
      expect(op.summary.length, op.name).toBeGreaterThan(10);
    }
  });

  it('never names a secret in an output schema', () => {
    for (const op of starvcenterOperations) {
      const text = JSON.stringify(z.toJSONSchema(op.output, { unrepresentable: 'any' }));
      expect(text, op.name).not.toMatch(/password|privateKey|cephKey|"key"|token/i);
    }
  });
});
