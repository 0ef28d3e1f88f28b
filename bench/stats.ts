// Small timing helpers for the benchmarks: percentiles and a fixed-concurrency runner.
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

export interface Timing {
  count: number
  seconds: number
  per_second: number
  p50_ms: number
  p95_ms: number
  p99_ms: number
}

/** Runs `n` calls of fn with `concurrency` in flight; returns throughput and latency percentiles. */
export async function measure(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++
        const t = performance.now()
        await fn(i)
        latencies.push(performance.now() - t)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const round = (x: number) => Math.round(x * 100) / 100
  return {
    count: n,
    seconds: round(seconds),
    per_second: round(n / seconds),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
  }
}
