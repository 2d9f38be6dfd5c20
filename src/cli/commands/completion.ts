/** `cloudplane completion bash|zsh`: print a shell completion script. */
import { Argument, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from '../completion.ts';
import { action, type Deps } from './action.ts';
import { examples } from './options.ts';

export function registerCompletion(program: Command, deps: Deps) {
  const cmd = program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action(
      action(deps, async (ctx, shell: Shell) => {
        ctx.io.stdout.write(completionScript(program, shell));
      }),
    );
  examples(cmd, [
    'source <(cloudplane completion bash)',
    'cloudplane completion bash > ~/.local/share/bash-completion/completions/cloudplane',
    "echo 'source <(cloudplane completion zsh)' >> ~/.zshrc",
  ]);
}
