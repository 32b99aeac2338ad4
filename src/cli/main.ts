/** @module cli/main — the `fair` command line: builds the program and runs it with one-line errors. */
import { CommanderError } from 'commander';
import { loadConfig } from '../shared/index.ts';
import { buildProgram } from './program.ts';

let debug = false;
try {
  const config = loadConfig();
  debug = config.debug;
  await buildProgram(config).parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, debug);
}

/** Prints one line naming the problem and returns the exit code (2 for usage errors, 1 otherwise). */
function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`fair: error: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
