// The traffic-spike rule on both databases, on a synthetic clock: a minute far above the principal's
// usual hour raises one alert; the same minute for a principal that is always that busy does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, openTestStore, type TestStore } from '../../test/support/stores.js';
import { createSecurityMonitor } from './monitor.js';

describe.each(adapters)('security monitor on %s', (adapter) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(adapter); });
  afterAll(() => t?.dispose());

  const traffic = (m: ReturnType<typeof createSecurityMonitor>, enterpriseId: string, start: number, perMinute: number[]) => {
    perMinute.forEach((n, minute) => {
      for (let i = 0; i < n; i++) m.observe({ at: start + minute * 60_000 + i, ip: '127.0.0.1', status: 200, method: 'POST', path: '/api/v1/messages', tokenId: `tok-${enterpriseId}`, enterpriseId });
    });
  };

  it('raises a spike at max(600, 10 × the hour\'s average minute) and not below it', async () => {
    const m = createSecurityMonitor({ store: t.store });
    const start = Date.UTC(2026, 10, 28, 0, 0, 0);
    // An hour at 10 requests a minute, then a minute of 599: below the floor of 600.
    traffic(m, 'quiet', start, [...Array(60).fill(10), 599]);
    await m.flush();
    expect((await m.list({ kind: 'traffic_spike', limit: 10, offset: 0 })).total).toBe(0);
    // The next minute reaches 600.
    traffic(m, 'quiet', start + 61 * 60_000, [600]);
    await m.flush();
    const raised = await m.list({ kind: 'traffic_spike', limit: 10, offset: 0 });
    expect(raised.items).toEqual([expect.objectContaining({ subject: 'enterprise:quiet', count: 1, severity: 'medium' })]);
    expect(raised.items[0]!.detail).toMatchObject({ requestsThisMinute: 600, floor: 600, factor: 10 });
  });

  it('a principal always this busy is not a spike: 10 × its average is the bar', async () => {
    const m = createSecurityMonitor({ store: t.store });
    const start = Date.UTC(2026, 10, 29, 0, 0, 0);
    traffic(m, 'busy', start, [...Array(60).fill(100), 900]);
    await m.flush();
    expect((await m.list({ kind: 'traffic_spike', limit: 10, offset: 0 })).items.filter((x) => x.subject === 'enterprise:busy')).toEqual([]);
  });
});
