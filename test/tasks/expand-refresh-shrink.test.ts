/**
 * The sequence a CI pipeline runs, on a freshly started API and worker each time:
 * expand, wait until it succeeds, list the template's machines live (?refresh=true),
 * then shrink at once. The shrink must start and finish every time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Scaling } from '../support/scaling.ts';

const RUNS = 8;
let open: { s?: Scaling; iso?: Isolated } = {};
afterEach(async () => {
  await open.s?.close();
  await open.iso?.close();
  open = {};
});

describe('expand → refresh → shrink on a fresh server', () => {
  it.each(Array.from({ length: RUNS }, (_, i) => i + 1))('run %i: the shrink starts and succeeds', async () => {
    const iso = await isolate();
    const s = await startScaling(iso);
    open = { s, iso };
    s.worker();
    const expand = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 6 });
    expect((await s.waitForTask(expand.body.id)).status).toBe('succeeded');
    const listed = await s.call('GET', `/v1/instances?template=${s.templateId}&refresh=true`);
    expect(listed.body.items).toHaveLength(6);
    const shrink = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: 2 });
    expect(shrink.status).toBe(202);
    const done = await s.waitForTask(shrink.body.id, 15_000);
    expect(done).toMatchObject({ status: 'succeeded', counts: { requested: 2, succeeded: 2 } });
  });
});
