import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/**
 * What held up the server thread (this process's main thread: the floor and every app run on it)
 * during a run's measured window, so that a run with a bad tail says where the time went: full
 * (mark-compact) GCs and their pauses, the longest the event loop went without turning, and the
 * CPU time the hypervisor gave to others (steal).
 */
export interface ServerThreadReport {
  /** Mark-compact GCs that ended inside the window, and their summed and longest pauses (ms, main thread). */
  fullGcs: number;
  fullGcMs: number;
  longestGcMs: number;
  /** Scavenges (young generation) in the window, summed pause (ms). */
  scavengeMs: number;
  /** The longest the event loop was late to a 1 ms timer (ms): a GC pause or one long piece of synchronous work. */
  longestLoopDelayMs: number;
  /**
   * Growth of the old generation over the window (MB): what young-generation GCs promoted, plus
   * large objects, less what full GCs freed. What brings the next full GC nearer.
   */
  oldGrowthMb: number;
  /** CPU time stolen from this VM's cores by the hypervisor (ms, summed over cores; /proc/stat, 10 ms steps); undefined off Linux. */
  stealMs?: number;
}

/** /proc/stat's steal column, in ms; undefined where there is no /proc. */
function stealMs(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    return Number(cpu[8]) * 10;
  } catch {
    return undefined;
  }
}

/** Bytes used by the old generation's spaces (old objects and large objects). */
function oldGenerationBytes(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'old_space' || space.space_name === 'large_object_space') bytes += space.space_used_size;
  return bytes;
}

/**
 * Watches the main thread from `fromMs` to `toMs` after now (the run's measured window: warm-up
 * excluded). GC entries are kept by the time they ended, so a pause that began in the warm-up and
 * ran into the window counts. Call the returned function once the run is over.
 */
export function watchServerThread(fromMs: number, toMs: number): () => ServerThreadReport {
  const start = performance.now();
  const from = start + fromMs;
  const to = start + toMs;
  const report: ServerThreadReport = { fullGcs: 0, fullGcMs: 0, longestGcMs: 0, scavengeMs: 0, longestLoopDelayMs: 0, oldGrowthMb: 0 };
  const count = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      const end = entry.startTime + entry.duration;
      if (end < from || end > to) continue;
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        report.fullGcs++;
        report.fullGcMs += entry.duration;
        report.longestGcMs = Math.max(report.longestGcMs, entry.duration);
      } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        report.scavengeMs += entry.duration;
      }
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let atStart: { steal?: number; old: number } | undefined;
  let atEnd: { steal?: number; old: number } | undefined;
  const begin = setTimeout(() => {
    atStart = { steal: stealMs(), old: oldGenerationBytes() };
    delay.enable();
  }, fromMs);
  const end = setTimeout(() => {
    delay.disable();
    atEnd = { steal: stealMs(), old: oldGenerationBytes() };
  }, toMs);
  return () => {
    clearTimeout(begin);
    clearTimeout(end);
    delay.disable();
    count(observer.takeRecords());
    observer.disconnect();
    // The histogram is in ns and includes the 1 ms resolution itself.
    report.longestLoopDelayMs = delay.count > 0 ? Math.max(0, delay.max / 1e6 - 1) : 0;
    atEnd ??= { steal: stealMs(), old: oldGenerationBytes() };
    if (atStart !== undefined) {
      report.oldGrowthMb = (atEnd.old - atStart.old) / 2 ** 20;
      if (atStart.steal !== undefined && atEnd.steal !== undefined) report.stealMs = atEnd.steal - atStart.steal;
    }
    return report;
  };
}

/** One line: "old generation +1.2 MB, full GCs 2 (31 ms, longest 18 ms), scavenges 40 ms, loop late ≤ 19 ms, steal 0 ms". */
export function describeServerThread(r: ServerThreadReport): string {
  const gcs = r.fullGcs === 0 ? 'no full GC' : `full GCs ${r.fullGcs} (${r.fullGcMs.toFixed(0)} ms, longest ${r.longestGcMs.toFixed(1)} ms)`;
  const steal = r.stealMs === undefined ? '' : `, steal ${r.stealMs} ms`;
  return `old generation ${r.oldGrowthMb >= 0 ? '+' : '−'}${Math.abs(r.oldGrowthMb).toFixed(1)} MB, ${gcs}, scavenges ${r.scavengeMs.toFixed(0)} ms, loop late ≤ ${r.longestLoopDelayMs.toFixed(1)} ms${steal}`;
}
