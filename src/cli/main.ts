/** @module cli/main — the `fair` command line: builds the program from each domain's command module and runs it. */
import { Command, CommanderError } from 'commander';
import { AppError, loadConfig } from '../shared/index.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('fair')
  .description('fAIr 3.0: AI-assisted building mapping for OpenStreetMap')
  .version('3.0.0-alpha.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

try {
  registerCommands(program, loadConfig());
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** Prints one line naming the problem and returns the exit code. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof AppError) {
    process.stderr.write(`fair: error: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`fair: error: ${message}\n`);
  if (process.env['FAIR_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
