/** @module cli/program — builds the `fair` command tree without running it (used by main.ts and the docs generator). */
import { Command } from 'commander';
import type { Config } from '../shared/index.ts';
import { registerCommands } from './commands/index.ts';

/** Version of the fair CLI and package. */
export const FAIR_VERSION = '3.0.0-alpha.0';

/**
 * The root command with every command group registered; parse errors throw (exitOverride) instead of exiting.
 * @param config - process configuration passed to each command group
 */
export function buildProgram(config: Config): Command {
  const program = new Command('fair')
    .description('fAIr 3.0: AI-assisted building mapping for OpenStreetMap')
    .version(FAIR_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program, config);
  return program;
}

/**
 * Markdown reference of every command: usage line, description and options, in registration order.
 * @param program - a program from {@link buildProgram}
 */
export function cliReference(program: Command): string {
  const lines: string[] = [];
  const walk = (command: Command, path: string[]): void => {
    for (const sub of command.commands) {
      const name = [...path, sub.name()];
      // A group is listed only when it also runs by itself, which its own options show (e.g. `fair worker`).
      if (sub.commands.length === 0 || sub.options.length > 0) describe(sub, name);
      if (sub.commands.length > 0) walk(sub, name);
    }
  };
  const describe = (sub: Command, name: string[]): void => {
    lines.push(`### \`fair ${name.join(' ')} ${sub.usage()}\``, '', sub.description(), '');
    for (const option of sub.options) {
      const fallback =
        option.defaultValue === undefined ? '' : ` (default: ${JSON.stringify(option.defaultValue)})`;
      lines.push(`- \`${option.flags}\` ${option.description}${fallback}`);
    }
    lines.push('');
  };
  walk(program, []);
  return lines.join('\n').trimEnd() + '\n';
}
