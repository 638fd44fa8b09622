import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.ts';

describe('FakeClock', () => {
  it('wakes sleepers in time order, moving time to each, and lets their continuations run in between', async () => {
    const clock = new FakeClock(100);
    const log: string[] = [];
    void clock.sleep(30).then(() => log.push(`b@${clock.now()}`));
    void clock.sleep(10).then(async () => {
      log.push(`a@${clock.now()}`);
      await clock.sleep(5);
      log.push(`a2@${clock.now()}`);
    });
    await clock.advance(20);
    expect(log).toEqual(['a@110', 'a2@115']);
    expect(clock.now()).toBe(120);
    await clock.runAll();
    expect(log).toEqual(['a@110', 'a2@115', 'b@130']);
  });

  it('an aborted sleep rejects with the reason and never wakes', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const slept = clock.sleep(10, ac.signal);
    ac.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(1, ac.signal)).rejects.toThrow('stop');
  });

  it('runAll gives up on a loop that never stops sleeping', async () => {
    const clock = new FakeClock();
    const loop = async () => {
      for (;;) await clock.sleep(1);
    };
    void loop();
    await expect(clock.runAll(50)).rejects.toThrow(/still sleeping/);
  });
});
