/**
 * `pending`, or what `onTimeout` returns (or throws) once `timeoutMs` have passed, whichever comes
 * first; the timer is cleared either way. For answers that may never come (a command queued until
 * Redis returns, a pool with no free connection), which must not hang a probe, a scrape or a
 * producer's tick. The pending work itself goes on; a late failure of it is not reported.
 */
export async function withTimeout<T>(pending: Promise<T>, timeoutMs: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (e) {
        reject(e);
      }
    }, timeoutMs);
  });
  try {
    return await Promise.race([pending, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
