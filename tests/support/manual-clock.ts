// A clock that only the test moves, for code that takes a Clock (functions/scrape/clock.ts): now()
// starts at the real time and then moves only when a sleep asks it to (the sleep returns at once,
// with the clock moved on by its length) or the test calls advance(). A timeout fires when the
// clock passes it, and at no other time. Waits are then asserted in clock time, nothing sleeps for
// real, and how busy the machine is changes no outcome.
import type { Clock } from '../../functions/scrape/clock.ts'

export interface ManualClock extends Clock {
  /** Moves the clock on and fires the timeouts it passes. */
  advance(ms: number): void
  /** Every sleep asked for, in order. */
  sleeps: number[]
}

export function manualClock(start = Date.now()): ManualClock {
  let time = start
  let timers: { at: number; controller: AbortController }[] = []
  const clock: ManualClock = {
    sleeps: [],
    now: () => time,
    advance(ms) {
      time += ms
      const due = timers.filter((t) => t.at <= time)
      timers = timers.filter((t) => t.at > time)
      for (const t of due) t.controller.abort(new DOMException('The operation timed out.', 'TimeoutError'))
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason)
      clock.sleeps.push(ms)
      clock.advance(ms)
      // Still asynchronous, as a real sleep is: whatever else is ready runs first.
      return new Promise<void>((resolve) => setImmediate(resolve))
    },
    timeout(ms) {
      const controller = new AbortController()
      timers.push({ at: time + ms, controller })
      return controller.signal
    },
  }
  return clock
}
