import { mapLimit } from './pool';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('limit 3 over 20 items: never more than 3 in flight, results in item order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (x) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick((x * 7) % 5);
        inFlight--;
        return x * x;
      },
    );
    expect(most).toBe(3);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
  });

  it('after a failure no new item starts and the failure is thrown', async () => {
    const started: number[] = [];
    await expect(
      mapLimit(
        Array.from({ length: 50 }, (_, i) => i),
        2,
        async (x) => {
          started.push(x);
          await tick(1);
          if (x === 3) throw new Error('boom 3');
          return x;
        },
      ),
    ).rejects.toThrow('boom 3');
    await tick(20);
    expect(Math.max(...started)).toBeLessThan(6);
  });
});
