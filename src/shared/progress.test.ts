import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress.ts';
import { loadConfig } from './config.ts';
import { AppError, codeToStatus, invalid, isAppError } from './errors.ts';

function sink(isTTY: boolean): { write(chunk: string): void; isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (c) => void chunks.push(c), text: () => chunks.join('') };
}

describe('progress bar', () => {
  it('writes plain lines when the stream is not a terminal', () => {
    const out = sink(false);
    const bar = createProgressBar(out, { lineEveryMs: 0 });
    bar.start(4, 'tiles');
    bar.tick(1);
    bar.tick(3, 'done');
    bar.done();
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^tiles 1\/4 \(25%\)/);
    expect(lines.at(-1)).toMatch(/^tiles 4\/4 \(100%\) .* done$/);
    expect(out.text()).not.toContain('\r');
  });

  it('redraws one line with a bar on a terminal', () => {
    const out = sink(true);
    const bar = createProgressBar(out);
    bar.start(10, 'chips');
    bar.tick(5);
    bar.done();
    expect(out.text()).toMatch(/\rchips 5\/10 \[#+-+\]/);
    expect(out.text().endsWith('\n')).toBe(true);
  });
});

describe('config', () => {
  it('applies defaults and parses flags', () => {
    const config = loadConfig({ FAIR_ALLOW_PRIVATE_NETWORK: '1', FAIR_DATA_DIR: '/data' });
    expect(config.allowPrivateNetwork).toBe(true);
    expect(config.tileCacheDir).toBe('/data/tile-cache');
    expect(loadConfig({}).allowPrivateNetwork).toBe(false);
  });

  it('names the invalid variable', () => {
    expect(() => loadConfig({ FAIR_OVERPASS_URL: 'not a url' })).toThrow(/FAIR_OVERPASS_URL/);
    expect(() => loadConfig({ FAIR_ALLOW_PRIVATE_NETWORK: 'maybe' })).toThrow(/FAIR_ALLOW_PRIVATE_NETWORK/);
  });
});

describe('errors', () => {
  it('carries a code from the closed table', () => {
    const error = (() => {
      try {
        invalid('zoom 40 is out of range', { zoom: 40 });
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect(error instanceof AppError && error.details).toEqual({ zoom: 40 });
    expect(codeToStatus.RESOURCE_DOES_NOT_EXIST).toBe(404);
  });
});
