import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCliReference } from '../scripts/cli-reference.ts';

describe('README', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '..', 'README.md'), 'utf8');

  it('carries the CLI reference generated from the commands (run npm run docs:cli after changing a command)', () => {
    expect(readme).toBe(withCliReference(readme));
  });

  it('gives the three commands', () => {
    for (const command of ['npm ci', 'npx fair demo', 'npm test']) expect(readme).toContain(command);
  });
});
