/**
 * The memory of a process tree, read from Linux's /proc: every process descended from a root pid
 * (the browser Playwright launched is a child of the benchmark's own process). RSS counts each
 * shared page once per process (the measure the budget is stated in); PSS splits shared pages
 * between the processes that map them, so its sum is what the tree really holds.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface TreeMemory {
  /** Sum of VmRSS over the tree, bytes. */
  rss: number;
  /** Sum of Pss over the tree, bytes. */
  pss: number;
  processes: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process exited meanwhile
  }
}

/** Pids of every process below `root` (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (stat === undefined) continue;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function kib(text: string | undefined, field: string): number {
  const match = text?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return match === null || match === undefined ? 0 : Number(match[1]) * 1024;
}

/** The memory of every process below `root` now. */
export function treeMemory(root: number): TreeMemory {
  const pids = descendants(root);
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kib(read(`/proc/${pid}/status`), "VmRSS");
    pss += kib(read(`/proc/${pid}/smaps_rollup`), "Pss");
  }
  return { rss, pss, processes: pids.length };
}

/** Samples {@link treeMemory} every `intervalMs` until `stop()`, which returns the peaks. */
export function samplePeakMemory(root: number, intervalMs = 250): { stop(): TreeMemory } {
  const peak: TreeMemory = { rss: 0, pss: 0, processes: 0 };
  const sample = () => {
    const now = treeMemory(root);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.pss = Math.max(peak.pss, now.pss);
    peak.processes = Math.max(peak.processes, now.processes);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
