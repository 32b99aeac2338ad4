/** @module cli/flags — commander argument parsers shared by the commands: each rejects bad values naming the flag. */
import { InvalidArgumentError } from 'commander';

/**
 * Parser of an integer flag within [min, max].
 * @param name - the flag's name in the error message
 * @throws InvalidArgumentError (commander prints it and exits 2) for anything else
 */
export function integerIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} ${JSON.stringify(value)} is not an integer ${min}..${max}`);
    return n;
  };
}

/**
 * `--tta <n>`, shared by the commands that run a model: its flags, description and parser (ml checks n is 1, 2, 4
 * or 8 and names the problem otherwise).
 */
export const TTA_OPTION = [
  '--tta <n>',
  'test-time augmentation: average the probabilities of 1 (off), 2, 4 or 8 flipped and transposed copies of each window (n model runs per window)',
  integerIn('tta', 1, 8),
  1,
] as const;

/**
 * Parser of a finite number flag within [min, max].
 * @param name - the flag's name in the error message
 * @throws InvalidArgumentError for anything else
 */
export function numberIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} ${JSON.stringify(value)} is not a number ${min}..${max}`);
    return n;
  };
}
