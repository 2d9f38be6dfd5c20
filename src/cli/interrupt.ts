/**
 * Ctrl-C and SIGTERM while a task is followed. On a terminal, Ctrl-C asks
 * whether to cancel the task: yes sends the cancel and keeps following until
 * the task ends; no (or a second Ctrl-C) stops following and leaves the task
 * running. Without a terminal (CI), SIGINT and SIGTERM stop following at once
 * and leave the task running; --cancel-on-exit makes the caller cancel it.
 */
import { createInterface, type Interface } from 'node:readline';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

export class Interrupted extends CliError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(signal === 'SIGINT' ? 'interrupted' : 'terminated', signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
    this.name = 'Interrupted';
  }
}

export interface InterruptOptions {
  interactive: boolean;
  stdin: NodeJS.ReadableStream;
  stderr: NodeJS.WritableStream;
  question: string;
  /** Stop following, with this reason. */
  stop(reason: Interrupted): void;
  /** The user answered yes: cancel the task (and keep following). */
  cancel(): Promise<void>;
  pause(): void;
  resume(): void;
}

/** Installs the handlers; the returned function removes them (and closes an open prompt). */
export function handleInterrupts(opts: InterruptOptions): () => void {
  let prompt: Interface | null = null;
  let finished = false;

  const ask = () =>
    new Promise<'yes' | 'no' | 'again'>((resolve) => {
      const rl = createInterface({ input: opts.stdin, output: opts.stderr, terminal: true });
      prompt = rl;
      let answered = false;
      const settle = (a: 'yes' | 'no' | 'again') => {
        if (answered) return;
        answered = true;
        prompt = null;
        rl.close();
        resolve(a);
      };
      // In a prompt the terminal is raw: Ctrl-C reaches readline, not the process.
      rl.on('SIGINT', () => settle('again'));
      rl.on('close', () => settle('no'));
      rl.question(opts.question, (a) => settle(/^y(es)?$/i.test(a.trim()) ? 'yes' : 'no'));
    });

  const onSigint = () => {
    if (!opts.interactive || prompt) return opts.stop(new Interrupted('SIGINT'));
    opts.pause();
    void ask().then(async (answer) => {
      if (finished) return;
      if (answer !== 'yes') return opts.stop(new Interrupted('SIGINT'));
      opts.resume();
      await opts.cancel();
    });
  };
  const onSigterm = () => opts.stop(new Interrupted('SIGTERM'));

  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return () => {
    finished = true;
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    (prompt as Interface | null)?.close();
  };
}
