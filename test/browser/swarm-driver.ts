/**
 * The swarm benchmark's driver (scripts/bench/swarm.ts runs it through runInNamespace): inside a
 * network namespace, so Chromium's WebRTC (never on loopback) reaches the Node peers over the
 * namespace's veth address and no packet can leave, it runs a tracker, one upload-capped seeder,
 * a byte-counting web seed, the built site, and fans arriving one by one: Node fans (see
 * scripts/bench/swarm-fan.ts) and real Chromium pages of the site. It samples who delivered how
 * many bytes, stops at the time limit or when every fan holds the whole pilot, and prints one
 * JSON line. Imported (the test runner imports every file under test/) it does nothing.
 *
 * The Node fans run in a few child processes (scripts/bench/swarm-fans-process.ts), so their
 * JavaScript is spread over both cores rather than queued on one event loop.
 *
 * Node fans trade with each other over TCP (the HTTP tracker) and with Chromium over WebRTC (the
 * WebSocket tracker): they answer the offers Chromium pages make but send none, so 27 Node fans
 * do not open hundreds of Node-to-Node WebRTC connections, whose SCTP stacks would take the
 * machine's two cores away from what is measured. Both kinds of link carry the same capped rates.
 *
 * Usage: tsx test/browser/swarm-driver.ts '<SwarmConfig as JSON>'
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { cpus } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Browser, Page } from "playwright-core";
import type { NodeFanResult } from "../../scripts/bench/swarm-fan.ts";
import type { FansInit, FansPoll, FansReply, FansRequest } from "../../scripts/bench/swarm-fans-process.ts";
import { startCountingWebSeed, UNNAMED } from "../../scripts/bench/swarm-web-seed.ts";
import { startSeeder } from "../../scripts/lib/p2p/seeder.ts";
import { startLocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { startStaticServer } from "../../scripts/lib/static-server.ts";
import { launchChromium } from "../helpers/browser.ts";
import { NAMESPACE_PORTS } from "./namespace.ts";
import { isMainModule } from "../../scripts/lib/main-module.ts";

export interface SwarmConfig {
  siteDir: string;
  /** The pilot the site was built for. */
  video: string;
  infoHash: string;
  durationSeconds: number;
  fans: number;
  chromiumFans: number;
  arrivalMs: number;
  /** Per fan, bytes per second. */
  upBytes: number;
  downBytes: number;
  seederUpBytes: number;
  limitMs: number;
  sampleMs: number;
  /** Child processes to deal the Node fans out to. */
  processes: number;
  /** Where the results go as JSON before the teardown (also printed as the last stdout line). */
  resultsFile: string;
}

export interface ChromiumFanResult {
  index: number;
  kind: "chromium";
  joinedMs: number;
  /** Run time of the first frame (-1: none). */
  firstMs: number;
  completeMs: number;
  fromPeers: number;
  fromWebSeed: number;
  /** Most peers the player's stats showed at once. */
  peersMax: number;
  error?: string;
}

export type FanResult = NodeFanResult | ChromiumFanResult;

export interface SwarmSample {
  /** Run time, ms. */
  t: number;
  seeder: number;
  webSeed: number;
  /** Bytes all fans received from any peer (the seeder included). */
  fromPeers: number;
  fansJoined: number;
  fansComplete: number;
  /** The machine's CPU use since the previous sample, 0..1 of all cores. */
  machineCpu: number;
  /** The Node processes (tracker, seeder, web seed; the Node fans' processes), in cores. */
  nodeCpu: number;
}

export interface SwarmResults {
  length: number;
  pieceLength: number;
  cores: number;
  /** Child processes the Node fans ran in. */
  processes: number;
  endedBy: "complete" | "limit";
  durationMs: number;
  fans: FanResult[];
  seederUploaded: number;
  webSeedTotal: number;
  /** Web-seed bytes the server counted without a fan name (all Chromium fans together). */
  webSeedUnnamed: number;
  samples: SwarmSample[];
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

/** Fans that are Chromium pages: spread evenly over the arrivals. */
export function chromiumPositions(fans: number, chromium: number): Set<number> {
  const positions = new Set<number>();
  for (let i = 0; i < Math.min(chromium, fans); i++) positions.add(Math.floor(((i + 0.5) * fans) / chromium));
  return positions;
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

class ChromiumFan {
  readonly result: ChromiumFanResult;
  #page: Page | undefined;

  constructor(index: number, now: number) {
    this.result = {
      index,
      kind: "chromium",
      joinedMs: now,
      firstMs: -1,
      completeMs: -1,
      fromPeers: 0,
      fromWebSeed: 0,
      peersMax: 0,
    };
  }

  async start(
    browser: Browser,
    siteUrl: string,
    now: () => number,
    caps: { upBytes: number; downBytes: number },
  ): Promise<void> {
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      this.#page = page;
      // The player sets no rate limits of its own: DevTools network emulation caps the page's HTTP
      // (the web seed) at the Node fans' rates. WebRTC is not throttled by it; the peers' own
      // upload caps bound what the page receives from them.
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: caps.downBytes,
        uploadThroughput: caps.upBytes,
      });
      await page.goto(`${siteUrl}/`);
      this.result.joinedMs = now();
      await page.getByRole("button", { name: /watch the pilot/i }).click();
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 0, null, {
        timeout: 120_000,
        polling: 100,
      });
      this.result.firstMs = now();
    } catch (error) {
      this.result.error = (error as Error).message.split("\n")[0];
    }
  }

  /** Reads the player's own counters (site/lib/player.ts data-* attributes). */
  async poll(now: number): Promise<void> {
    if (this.#page === undefined || this.#page.isClosed()) return;
    // A renderer starved of CPU must not hold up the whole run: a late answer is skipped.
    const late = new Promise<undefined>((done) => setTimeout(() => done(undefined), 3_000).unref());
    const reading = this.#page
      .evaluate(() => {
        const data = document.querySelector<HTMLElement>("[data-player]")?.dataset;
        const peers = Number.parseInt(document.querySelector('[data-stat="peers"]')?.textContent ?? "0", 10);
        return {
          fromPeers: Number(data?.fromPeers ?? 0),
          fromWebSeeds: Number(data?.fromWebSeeds ?? 0),
          progress: data?.progress,
          peers,
        };
      })
      .catch(() => undefined);
    const state = await Promise.race([reading, late]);
    if (state === undefined) return;
    this.result.fromPeers = state.fromPeers;
    this.result.fromWebSeed = state.fromWebSeeds;
    if (Number.isFinite(state.peers)) this.result.peersMax = Math.max(this.result.peersMax, state.peers);
    if (state.progress === "1" && this.result.completeMs < 0) this.result.completeMs = now;
  }

  get complete(): boolean {
    return this.result.completeMs >= 0;
  }
}

/** The Node fans' child processes (scripts/bench/swarm-fans-process.ts), fans dealt out in turn. */
class FanProcesses {
  readonly #children: ChildProcess[];
  readonly #polls = new Map<number, (poll: FansPoll) => void>();
  readonly #closed: Promise<unknown>[];
  readonly #last = new Map<ChildProcess, FansPoll>();
  #nextId = 0;
  #joined = 0;

  readonly #ready: Promise<unknown>[];

  constructor(count: number) {
    this.#children = Array.from({ length: count }, () =>
      // tsx's loader flags come with process.execArgv; stdout stays this driver's JSON line alone.
      fork(resolve("scripts/bench/swarm-fans-process.ts"), [], {
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      }),
    );
    this.#ready = this.#children.map(
      (child) =>
        new Promise((done) =>
          child.on("message", (message: FansReply) => message.type === "ready" && done(undefined)),
        ),
    );
    this.#closed = this.#children.map(
      (child) =>
        new Promise((done) => {
          child.once("exit", done);
          child.on("message", (message: FansReply) => {
            if (message.type === "poll") this.#polls.get(message.id)?.(message);
          });
        }),
    );
  }

  /** Resolves once every child has loaded (tsx compiles WebTorrent's graph: seconds). */
  async ready(): Promise<void> {
    await Promise.all(this.#ready);
  }

  init(init: FansInit): void {
    for (const child of this.#children) child.send({ type: "init", init } satisfies FansRequest);
  }

  join(index: number): void {
    this.#children[this.#joined++ % this.#children.length].send({
      type: "join",
      index,
    } satisfies FansRequest);
  }

  /** Every child's latest figures (a child that does not answer within 5 s keeps its previous ones). */
  async poll(): Promise<FansPoll[]> {
    await Promise.all(
      this.#children.map(async (child) => {
        const id = this.#nextId++;
        const answer = await new Promise<FansPoll | undefined>((done) => {
          const timer = setTimeout(() => done(undefined), 5_000);
          this.#polls.set(id, (poll) => (clearTimeout(timer), done(poll)));
          child.send({ type: "poll", id } satisfies FansRequest);
        });
        this.#polls.delete(id);
        if (answer !== undefined) this.#last.set(child, answer);
      }),
    );
    return [...this.#last.values()];
  }

  async close(): Promise<void> {
    for (const child of this.#children)
      if (child.connected) child.send({ type: "close" } satisfies FansRequest);
    const timer = setTimeout(() => this.#children.forEach((child) => child.kill("SIGKILL")), 30_000);
    await Promise.all(this.#closed);
    clearTimeout(timer);
  }
}

export async function drive(config: SwarmConfig): Promise<SwarmResults> {
  const tracker = await startLocalTracker(NAMESPACE_PORTS.tracker);
  const webSeed = await startCountingWebSeed(config.video, NAMESPACE_PORTS.webSeed);
  const site = await startStaticServer(config.siteDir, NAMESPACE_PORTS.site);
  const seeder = await startSeeder({
    file: config.video,
    trackers: [tracker.wsAnnounce, tracker.httpAnnounce],
    webSeeds: [],
    uploadLimit: config.seederUpBytes,
  });
  if (seeder.infoHash !== config.infoHash)
    throw new Error(`the seeder's info hash ${seeder.infoHash} is not the site's ${config.infoHash}`);
  // Chromium hides host addresses behind mDNS names by default; the Node peers cannot resolve them.
  const browser = await launchChromium(["--disable-features=WebRtcHideLocalIpsWithMdns"]);
  const processes = new FanProcesses(config.processes);
  await processes.ready();
  // Run time starts with the first arrival, the same clock in every process.
  const runStartEpochMs = Date.now();
  const runNow = () => Date.now() - runStartEpochMs;
  processes.init({
    torrentFile: Buffer.from(seeder.torrentFile).toString("base64"),
    announce: [tracker.wsAnnounce, tracker.httpAnnounce],
    original: config.video,
    webSeedFileUrl: webSeed.fileUrl,
    uploadLimit: config.upBytes,
    downloadLimit: config.downBytes,
    playbackBytesPerSecond: seeder.length / config.durationSeconds,
    seederPeerId: (seeder.client as unknown as { peerId: string }).peerId,
    runStartEpochMs,
  });

  const chromiumAt = chromiumPositions(config.fans, config.chromiumFans);
  const chromiumFans: ChromiumFan[] = [];
  const starting: Promise<void>[] = [];
  const join = (index: number) => {
    if (chromiumAt.has(index)) {
      const fan = new ChromiumFan(index, runNow());
      chromiumFans.push(fan);
      starting.push(fan.start(browser, site.url, runNow, config));
    } else {
      processes.join(index);
    }
  };

  const samples: SwarmSample[] = [];
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let polls: FansPoll[] = [];
  const nodeMicros = () => {
    const own = process.cpuUsage();
    return own.user + own.system + polls.reduce((sum, poll) => sum + poll.cpuMicros, 0);
  };
  let cpuBefore = cpuTimes();
  let nodeBefore = 0;
  let lastSample = performance.now();
  const nodeResults = () => polls.flatMap((poll) => poll.fans);
  const sample = async () => {
    const t = runNow();
    [polls] = await Promise.all([processes.poll(), ...chromiumFans.map((fan) => fan.poll(t))]);
    const cpuNow = cpuTimes();
    const nodeNow = nodeMicros();
    const wall = performance.now() - lastSample;
    lastSample = performance.now();
    const nodeFans = nodeResults();
    const fromPeers =
      nodeFans.reduce((sum, fan) => sum + fan.fromSeeder + fan.fromFans, 0) +
      chromiumFans.reduce((sum, fan) => sum + fan.result.fromPeers, 0);
    samples.push({
      t,
      seeder: seeder.torrent.uploaded,
      webSeed: webSeed.total(),
      fromPeers,
      fansJoined: nodeFans.length + chromiumFans.length,
      fansComplete:
        nodeFans.filter((fan) => fan.completeMs >= 0).length +
        chromiumFans.filter((fan) => fan.complete).length,
      machineCpu:
        cpuNow.total === cpuBefore.total
          ? 0
          : (cpuNow.busy - cpuBefore.busy) / (cpuNow.total - cpuBefore.total),
      nodeCpu: wall <= 0 || samples.length === 0 ? 0 : (nodeNow - nodeBefore) / 1000 / wall,
    });
    cpuBefore = cpuNow;
    nodeBefore = nodeNow;
  };

  let joined = 0;
  join(joined++);
  const arrivals = setInterval(() => {
    if (joined < config.fans) join(joined++);
    if (joined >= config.fans) clearInterval(arrivals);
  }, config.arrivalMs);
  await sample();
  let endedBy: SwarmResults["endedBy"] = "limit";
  while (runNow() < config.limitMs) {
    await new Promise((done) => setTimeout(done, config.sampleMs));
    await sample();
    const last = samples.at(-1)!;
    if (joined >= config.fans && last.fansComplete >= config.fans) {
      endedBy = "complete";
      break;
    }
  }
  clearInterval(arrivals);
  loop.disable();
  const durationMs = runNow();
  await Promise.allSettled(starting);
  const fans: FanResult[] = [
    ...nodeResults().map((fan) => ({ ...fan, fromWebSeed: webSeed.served.get(String(fan.index)) ?? 0 })),
    ...chromiumFans.map((fan) => fan.result),
  ];
  fans.sort((a, b) => a.index - b.index);
  const results: SwarmResults = {
    length: seeder.length,
    pieceLength: seeder.pieceLength,
    cores: cpus().length,
    processes: config.processes,
    endedBy,
    durationMs,
    fans,
    seederUploaded: seeder.torrent.uploaded,
    webSeedTotal: webSeed.total(),
    webSeedUnnamed: webSeed.served.get(UNNAMED) ?? 0,
    samples,
    eventLoopDelayP99Ms: Math.max(
      loop.percentile(99) / 1e6,
      ...polls.map((poll) => poll.eventLoopDelayP99Ms),
    ),
    eventLoopDelayMaxMs: Math.max(loop.max / 1e6, ...polls.map((poll) => poll.eventLoopDelayMaxMs)),
  };
  // Written before the teardown, so a teardown that hangs on a starved machine loses nothing.
  await writeFile(config.resultsFile, `${JSON.stringify(results)}\n`);
  setTimeout(() => process.exit(0), 60_000).unref();
  await browser.close().catch(() => undefined);
  await processes.close();
  await seeder.close();
  await site.close();
  await webSeed.close();
  await tracker.close();
  return results;
}

// Only when run as a program (inside the namespace), never when a test runner imports this file.
if (isMainModule(import.meta.url)) {
  const [json] = process.argv.slice(2);
  if (json === undefined) throw new Error("usage: swarm-driver.ts '<config JSON>' (or @file)");
  const config = JSON.parse(
    json.startsWith("@") ? await readFile(json.slice(1), "utf8") : json,
  ) as SwarmConfig;
  const results = await drive(config);
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
