/**
 * V8 settings for this service's memory, applied before anything else loads (src/main.ts imports
 * this module first). Each was measured on the expand of 10,000 (bench/README.md).
 *
 * - Heap growth. Cloudplane's heap is mostly short-lived garbage (each platform call's request,
 *   answer and rows), and on a host with plenty of memory V8's default lets the old space grow to
 *   about four times the live part: the expand peaked at ~500 MiB of worker RSS with ~85 MiB live.
 *   Growing by half keeps the peak near what is in flight, for no measurable CPU. V8 reads the flag
 *   each time it sizes the next limit.
 * - WebAssembly compiled by the baseline compiler only. Prisma's query compiler is a large
 *   WebAssembly module; V8 compiles its functions once quickly and again, optimized, when they get
 *   hot, and keeps both: 40–60 MiB of every process's RSS. Its plans are cached per query shape, so
 *   the optimized code bought no CPU we could measure (worker CPU per machine 0.38–0.39 ms against
 *   0.39–0.40 ms), while the worker's peak fell from 350–420 MiB to 305–315 MiB. The flag is read
 *   when a module is compiled, so it must be set before Prisma's client loads.
 *
 * A deployment that wants a hard ceiling adds `--max-old-space-size` to NODE_OPTIONS.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
setFlagsFromString('--liftoff-only');
