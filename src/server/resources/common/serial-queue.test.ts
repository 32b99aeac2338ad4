import { describe, expect, it } from 'vitest';
import { failure } from '../../../shared/test-support/app-error-failure.ts';
import { SerialQueue } from './serial-queue.ts';

/** A task that ends when told, recording its start. */
function gate(log: string[], name: string): { task: () => Promise<string>; open(): void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
      return name;
    },
    open: () => open(),
  };
}

describe('SerialQueue', () => {
  it('runs tasks one at a time in the order their places were taken', async () => {
    const queue = new SerialQueue(3, 'jobs');
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const first = queue.reserve('later').run(a.task);
    const second = queue.reserve('later').run(b.task);
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    b.open();
    a.open();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(queue.taken).toBe(0);
  });

  it('refuses a place beyond the limit with RESOURCE_EXHAUSTED naming the advice, and frees places as tasks end', async () => {
    const queue = new SerialQueue(2, 'predictions on the fly');
    const log: string[] = [];
    const a = gate(log, 'a');
    const running = queue.reserve('retry').run(a.task);
    const waiting = queue.reserve('retry');
    const refused = await failure((async () => queue.reserve('send "async": true'))());
    expect(refused.code).toBe('RESOURCE_EXHAUSTED');
    expect(refused.message).toBe(
      '2 predictions on the fly are running or waiting, the most this server takes: send "async": true',
    );
    waiting.release();
    waiting.release();
    expect(queue.taken).toBe(1);
    a.open();
    await running;
    expect(queue.taken).toBe(0);
    expect(() => queue.reserve('x')).not.toThrow();
  });

  it('keeps going after a failed task, and frees its place', async () => {
    const queue = new SerialQueue(1, 'jobs');
    await expect(queue.reserve('x').run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(queue.taken).toBe(0);
    expect(await queue.reserve('x').run(async () => 'next')).toBe('next');
  });
});
