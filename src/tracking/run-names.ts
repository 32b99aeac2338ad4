/** @module tracking/run-names — the `adjective-noun-number` names given to runs created without one (as MLflow does). */
import { randomInt } from 'node:crypto';

const adjectives = (
  'agile amber bold brave bright calm clever crisp daring eager fair gentle glad keen kind lively lucid merry ' +
  'nimble patient quiet rapid sharp steady sunny swift tidy vivid warm wise'
).split(' ');

const nouns = (
  'ant bee crane deer eagle finch fox gull hare heron ibis jay kite lark lynx mole newt otter owl panda quail ' +
  'robin seal stork swan tern toad vole wren yak'
).split(' ');

/**
 * A random run name such as `steady-heron-417`.
 * @returns the name
 */
export function randomRunName(): string {
  return `${adjectives[randomInt(adjectives.length)]}-${nouns[randomInt(nouns.length)]}-${randomInt(1000)}`;
}
