/** @module cli/main — the `fair` command line: builds the program from each domain's command module and runs it. */
import { Command, CommanderError } from 'commander';
import { loadConfig } from '../shared/index.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('fair')
  .description('fAIr 3.0: AI-assisted building mapping for OpenStreetMap')
  .version('3.0.0-alpha.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

let debug = false;
try {
  const config = loadConfig();
  debug = config.debug;
  registerCommands(program, config);
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, debug);
}

/** Prints one line naming the problem and returns the exit code. */
function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
  process.stderr.write(`fair: error: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
