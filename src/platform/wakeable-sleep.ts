/**
 * Waits `ms`, or less if a function in `wakers` is called first (shutdown, a new commit): the
 * sleeper adds its own waker there while it waits and removes it when it ends either way.
 */
export const wakeableSleep = (ms: number, wakers: Set<() => void>): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wakers.delete(done);
      resolve();
    }
    wakers.add(done);
  });
