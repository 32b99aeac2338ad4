/** @module cli/commands — one module per command group; each exports a `register*` function. */
import type { Command } from 'commander';
import type { Config } from '../../shared/index.ts';

/** Adds every command group to the program. */
export function registerCommands(program: Command, _config: Config): void {
  program.command('version-info').description('print versions of the runtime parts').action(() => {
    console.log(JSON.stringify({ node: process.version }));
  });
}
