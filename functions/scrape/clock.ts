// Time as the crawler sees it: the current time, sleeps (Retry-After, backoff, Crawl-delay) and
// request timeouts. The crawler takes it from its settings, so a test can run a crawl on a clock it
// moves itself and no outcome depends on how fast the machine happens to be.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after ms; rejects with signal.reason if signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A signal that aborts with a DOMException named TimeoutError after ms. */
  timeout(ms: number): AbortSignal
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      const onAbort = () => {
        clearTimeout(timer)
        reject(signal!.reason)
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
  timeout: (ms) => AbortSignal.timeout(ms),
}
