/**
 * How far V8 lets the heap grow past what was live at its last full collection before it collects
 * again. Cloudplane's heap is mostly short-lived garbage (each platform call's request, answer and
 * rows), and on a host with plenty of memory V8's default lets the old space grow to about four
 * times the live part: an expand of 10,000 machines at 200 calls at a time peaked at ~500 MiB of
 * worker RSS with ~85 MiB live. Growing by half keeps the peak near what is in flight (~370 MiB)
 * for no measurable CPU (bench/README.md). Imported first by src/main.ts, so the first limits V8
 * sets are already sized this way; V8 reads the flag each time it sizes the next limit.
 * A deployment that wants a hard ceiling adds `--max-old-space-size` to NODE_OPTIONS.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
