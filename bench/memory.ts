// Peak memory of this process: RSS sampled on a timer (misses spikes inside long synchronous work) and
// the operating system's high-water mark (process.resourceUsage().maxRSS, which never goes down).

const MB = 1024 * 1024;

export interface MemoryReport {
  /** RSS when sampling started (the seeded fake estate and the loaded SDK included). */
  startRssMb: number;
  /** Highest sampled RSS while the sampler ran. */
  peakSampledRssMb: number;
  /** The process's RSS high-water mark since it started, from the OS. */
  maxRssMb: number;
  heapUsedMb: number;
}

export interface MemorySampler {
  stop(): MemoryReport;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function startMemorySampler(intervalMs = 10): MemorySampler {
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      return {
        startRssMb: round1(startRss / MB),
        peakSampledRssMb: round1(peak / MB),
        // maxRSS is in kilobytes.
        maxRssMb: round1((process.resourceUsage().maxRSS * 1024) / MB),
        heapUsedMb: round1(now.heapUsed / MB),
      };
    },
  };
}
