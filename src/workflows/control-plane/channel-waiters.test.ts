import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { ChannelWaiters } from './channel-waiters.ts';

describe.each(testDatabaseEngines())('ChannelWaiters on $name', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db.close());

  it('wakes the waiters of a payload and of any payload, and remembers a notice that came early', async () => {
    const waiters = new ChannelWaiters(db, 'waiters_payload');
    const exact = await waiters.subscribe('run-1');
    const other = await waiters.subscribe('run-2');
    const any = await waiters.subscribe('');
    const started = Date.now();
    const woke: string[] = [];
    const waits = [
      exact.wait(10_000).then(() => woke.push('run-1')),
      any.wait(10_000).then(() => woke.push('any')),
    ];
    await db.query("SELECT pg_notify('waiters_payload', 'run-1')");
    await Promise.all(waits);
    expect(woke.sort()).toEqual(['any', 'run-1']);
    expect(Date.now() - started).toBeLessThan(5000);
    // run-2's subscriber was not woken; its wait times out.
    const before = Date.now();
    await other.wait(200);
    expect(Date.now() - before).toBeGreaterThanOrEqual(150);
    // A notice before the wait is remembered until cleared.
    await db.query("SELECT pg_notify('waiters_payload', 'run-2')");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const early = Date.now();
    await other.wait(10_000);
    expect(Date.now() - early).toBeLessThan(1000);
    await waiters.close();
  });

  it.runIf(engine.name === 'postgres')(
    'wakes every waiter when the listening connection was lost (notices may be gone)',
    async () => {
      const waiters = new ChannelWaiters(db, 'waiters_gap');
      const subscription = await waiters.subscribe('run-9');
      const [listener] = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN waiters_gap'",
      );
      const started = Date.now();
      const woken = subscription.wait(30_000);
      await db.query('SELECT pg_terminate_backend($1)', [listener?.pid]);
      await woken;
      expect(Date.now() - started).toBeLessThan(10_000);
      await waiters.close();
    },
  );
});
