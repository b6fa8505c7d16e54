import { describe, expect, it } from 'vitest';
import { notifyAvailable, openListener } from '../src/index.js';

// Serving a real sandbox is tested end to end where the launcher is (@exile/namespaces
// test/listener.test.ts, @exile/core's violation tests); here only what needs no launcher.
describe('openListener', () => {
  it('this kernel can notify, and this test process has no filter of its own', () => {
    expect(notifyAvailable()).toBe(true);
  });

  it('ends (onEnd without error) when the launcher end closes without sending a listener', async () => {
    const ended = new Promise<Error | undefined>((resolve) => {
      const listener = openListener(() => { throw new Error('no notification expected'); }, { onEnd: resolve });
      expect(listener.socket).toBeGreaterThan(2);
      listener.releaseSocket();
    });
    await expect(ended).resolves.toBeUndefined();
  });

  it('answers nothing once closed (a notification queued before close() finds it closed)', () => {
    const listener = openListener(() => undefined);
    listener.close();
    expect(listener.deny(1n, 1)).toBe(false);
    expect(listener.continue(1n)).toBe(false);
    expect(() => listener.close()).not.toThrow();
    expect(() => listener.valid(1n)).toThrow(/closed/);
  });
});
