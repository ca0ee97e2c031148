import { runPool } from './pool';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('10 tasks, 3 at a time: never more than 3 running, each run once, started in list order', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  await runPool([...Array(10).keys()], 3, async (i) => {
    started.push(i);
    running += 1;
    most = Math.max(most, running);
    await tick(5 + (i % 3) * 5);
    running -= 1;
  });
  expect(started).toEqual([...Array(10).keys()]);
  expect(most).toBe(3);
  expect(running).toBe(0);
});

test('aborting stops new tasks from starting; those running finish', async () => {
  const controller = new AbortController();
  const finished: number[] = [];
  await runPool(
    [...Array(10).keys()],
    2,
    async (i) => {
      if (i === 3) controller.abort();
      await tick(5);
      finished.push(i);
    },
    controller.signal,
  );
  expect(finished.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
});
