/**
 * The pilot player, loaded only when a fan presses play. Streams the torrent into the <video>
 * through WebTorrent's service worker (peers over WebRTC, plus the BEP 19 web seeds; every byte
 * checked against the piece hashes), or, where that cannot work, plays a web seed URL directly
 * (bytes no one checks, which the status line says, naming the host).
 * It never spins forever: a route that does not start playing within the stall timeout falls
 * back, and when nothing is reachable the fan gets a plain explanation and the links.
 */
import type WebTorrent from "webtorrent";
import type { Torrent, TorrentOptions } from "webtorrent";
import type { PlayerConfig } from "./player-config.ts";
import { choosePlayerRoute, directPlayStatus, directPlayUrls, WebSeedPolicy } from "./player-route.ts";
import { viewStats } from "./player-stats.ts";

const STATS_INTERVAL_MS = 1_000;
/**
 * How long a freshly activated service worker gets to take control of the page. It claims its
 * clients on activation; a page loaded with a hard reload is never controlled, and there the
 * stream URL would miss the worker and hit the site (404s), so the player falls back instead.
 */
const CONTROL_TIMEOUT_MS = 3_000;

/** User Timing marks (`peerpilot:<step>`): the benchmarks read where the time to the first frame goes. */
function mark(step: string): void {
  performance.mark(`peerpilot:${step}`);
}

interface Elements {
  root: HTMLElement;
  video: HTMLVideoElement;
  status: HTMLElement;
  alert: HTMLElement;
  stats: HTMLElement;
}

function elements(root: HTMLElement): Elements {
  const find = <T extends HTMLElement>(selector: string) => {
    const element = root.querySelector<T>(selector);
    if (element === null) throw new Error(`player markup is missing ${selector}`);
    return element;
  };
  return {
    root,
    video: find<HTMLVideoElement>("video"),
    status: find("[data-player-status]"),
    alert: find("[data-player-alert]"),
    stats: find("[data-player-stats]"),
  };
}

/** Seconds the <video> holds ahead of its playhead (the buffered range the playhead is in). */
function bufferedAhead(video: HTMLVideoElement): number {
  const { buffered, currentTime } = video;
  for (let range = 0; range < buffered.length; range++) {
    if (buffered.start(range) <= currentTime && currentTime <= buffered.end(range))
      return buffered.end(range) - currentTime;
  }
  return 0;
}

function setText(element: Element | null, text: string): void {
  if (element !== null && element.textContent !== text) element.textContent = text;
}

function setField(stats: HTMLElement, name: string, text: string): void {
  setText(stats.querySelector(`[data-stat="${name}"]`), text);
}

/**
 * Resolves when the video is actually playing (time advances); rejects after `timeoutMs`, or when
 * `signal` aborts.
 */
function playbackStarts(video: HTMLVideoElement, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const startTime = video.currentTime;
    const settle = (error?: Error) => {
      clearTimeout(timer);
      video.removeEventListener("timeupdate", onTime);
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = setTimeout(
      () => settle(new Error(`no playback within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onTime = () => {
      if (video.currentTime > startTime) settle();
    };
    const onAbort = () => settle(new Error("the player was stopped"));
    video.addEventListener("timeupdate", onTime);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers WebTorrent's service worker and resolves once it controls this page. WebTorrent's
 * browser server fetches `<scope>webtorrent/cancel/` as soon as it is created (to learn whether the
 * worker's streams can be cancelled) and the <video> fetches `<scope>webtorrent/<infoHash>/…`:
 * both must reach the worker, never the site, where they are 404s.
 */
async function registerServiceWorker(url: string): Promise<ServiceWorkerRegistration> {
  const container = navigator.serviceWorker;
  await container.register(url, { scope: "./" });
  const registration = await container.ready;
  if (container.controller === null) {
    await withTimeout(
      new Promise((controlled) => container.addEventListener("controllerchange", controlled, { once: true })),
      CONTROL_TIMEOUT_MS,
      "the streaming service worker did not take control of this page (reloading it may help)",
    );
  }
  return registration;
}

/**
 * Streams through WebTorrent until `signal` aborts (then the client, its timers and its piece store
 * go); resolves once playback starts.
 */
async function streamWithWebTorrent(config: PlayerConfig, ui: Elements, signal: AbortSignal): Promise<void> {
  ui.status.textContent = "Connecting to other fans…";
  const [{ default: WebTorrentClient }, registration, torrentFile] = await withTimeout(
    Promise.all([
      import("webtorrent/dist/webtorrent.min.js"),
      registerServiceWorker(config.serviceWorkerUrl),
      fetch(config.torrentUrl).then(async (response) => {
        if (!response.ok) throw new Error(`the .torrent could not be fetched (HTTP ${response.status})`);
        return new Uint8Array(await response.arrayBuffer());
      }),
    ]),
    config.stallTimeoutMs,
    "the player did not load",
  );
  signal.throwIfAborted();
  mark("loaded");
  // Web seeds are added by the WebSeedPolicy, not as soon as the torrent is ready.
  const client: WebTorrent = new WebTorrentClient({
    tracker: { rtcConfig: { iceServers: config.iceServers } },
    webSeeds: false,
  });
  client.on("error", () => undefined);
  let timer: ReturnType<typeof setInterval> | undefined;
  let policy: WebSeedPolicy | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    policy?.stop();
    client.destroy();
    ui.root.dataset.stopped = "true";
  };
  signal.addEventListener("abort", stop, { once: true });
  try {
    client.createServer({ controller: registration });
    const bytes = { fromPeers: 0, fromWebSeeds: 0 };
    // The piece store is WebTorrent's browser default, kept on purpose: where the browser has the
    // origin-private file system with writable files (navigator.storage.getDirectory and
    // FileSystemFileHandle.createWritable: Chromium, Firefox, Safari 17+), fsa-chunk-store writes
    // each verified piece to disk, with an in-memory cache of the last storeCacheSlots pieces
    // (default 20: 10 MiB with a one-hour pilot's 512 KiB pieces); only elsewhere does it hold the
    // pieces in memory (memory-chunk-store). A one-hour pilot (1–2 GB) held in memory would take
    // a tab past what phones and many laptops allow; on disk the tab's memory does not grow with
    // the pilot (scripts/bench/player.ts measures it over a whole download).
    // The store starts empty (WebTorrent clears its OPFS folder when it loads, and the store is
    // removed when the fan leaves), so an all-zero bitfield says so: without it WebTorrent asks
    // the store for every piece before "ready" (2.1 s for a one-hour pilot's 1,899 pieces here).
    const options: TorrentOptions = {
      announce: config.trackers,
      urlList: config.webSeeds,
      destroyStoreOnDestroy: true,
      bitfield: new Uint8Array(Math.ceil(config.pieces / 8)),
    };
    const torrent: Torrent = client.add(torrentFile, options);
    torrent.on("warning", () => undefined);
    torrent.on("wire", (wire) => {
      mark(wire.type === "webSeed" ? "web-seed-wire" : "peer-wire");
      wire.on("download", (received: number) => {
        if (wire.type === "webSeed") bytes.fromWebSeeds += received;
        else bytes.fromPeers += received;
      });
    });
    await withTimeout(
      new Promise<void>((ready, fail) => {
        if (torrent.ready) ready();
        torrent.once("ready", () => ready());
        torrent.once("error", (error) => fail(new Error(String(error))));
      }),
      config.stallTimeoutMs,
      "the torrent did not start",
    );
    const file = [...torrent.files].sort((a, b) => b.length - a.length)[0];
    if (file === undefined) throw new Error("the torrent holds no file");

    const peerCount = () => torrent.wires.filter((wire) => wire.type !== "webSeed").length;
    const webSeedUrls = [...new Set([...torrent.urlList, ...config.webSeeds])];
    const webSeeds = new WebSeedPolicy({
      peerCount,
      addWebSeeds() {
        if (torrent.destroyed) return;
        mark("web-seeds");
        for (const url of webSeedUrls) torrent.addWebSeed(url);
      },
      removeWebSeeds() {
        if (torrent.destroyed) return;
        for (const url of webSeedUrls) torrent.removePeer(url);
      },
    });
    policy = webSeeds;
    mark("ready");
    webSeeds.ready();
    // Discovery started just before "ready": its first tracker answer is still to come.
    torrent.discovery?.tracker?.on("update", ({ complete = 0, incomplete = 0 }) =>
      webSeeds.trackerAnswered(complete + incomplete - 1),
    );
    ui.video.addEventListener("waiting", () => webSeeds.waiting(), { signal });
    ui.video.addEventListener("playing", () => webSeeds.playing(), { signal });
    ui.video.addEventListener("playing", () => mark("playing"), { once: true, signal });

    ui.stats.hidden = false;
    // One sample, one view: the stats and the status line always tell the same figures.
    const render = () => {
      const view = viewStats({
        peers: peerCount(),
        downloadSpeed: torrent.downloadSpeed,
        progress: torrent.progress,
        uploaded: torrent.uploaded,
        ...bytes,
      });
      setField(ui.stats, "peers", view.peers);
      setField(ui.stats, "speed", view.speed);
      setField(ui.stats, "progress", view.progress);
      setField(ui.stats, "sources", view.sources);
      setField(ui.stats, "shared", view.shared);
      setText(ui.status, view.summary);
      ui.root.dataset.fromPeers = String(bytes.fromPeers);
      ui.root.dataset.fromWebSeeds = String(bytes.fromWebSeeds);
      ui.root.dataset.uploaded = String(torrent.uploaded);
      ui.root.dataset.progress = String(torrent.progress);
      ui.root.dataset.seeding = String(view.seeding);
      ui.root.dataset.peers = String(peerCount());
      webSeeds.buffered(bufferedAhead(ui.video));
    };
    timer = setInterval(render, STATS_INTERVAL_MS);
    render();
    file.streamTo(ui.video);
    await Promise.all([
      ui.video.play().catch(() => undefined),
      playbackStarts(ui.video, config.stallTimeoutMs, signal),
    ]);
    signal.throwIfAborted();
    ui.root.dataset.route = "webtorrent";
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * Plays the first URL that starts playing (see {@link directPlayUrls} for the order), with the
 * status line naming the host it plays from and saying those bytes are not hash-checked.
 */
async function playDirect(
  config: PlayerConfig,
  ui: Elements,
  reason: string,
  signal: AbortSignal,
): Promise<void> {
  const failures: string[] = [];
  for (const url of directPlayUrls(config, { origin: location.origin, path: location.pathname })) {
    signal.throwIfAborted();
    ui.status.textContent = directPlayStatus(reason, url);
    ui.video.src = url;
    try {
      const failed = new Promise<never>((_, reject) =>
        ui.video.addEventListener("error", () => reject(new Error(`${url} could not be played`)), {
          once: true,
          signal,
        }),
      );
      await Promise.race([
        Promise.all([ui.video.play(), playbackStarts(ui.video, config.stallTimeoutMs, signal)]),
        failed,
      ]);
      ui.root.dataset.route = "direct";
      return;
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  ui.video.removeAttribute("src");
  ui.video.load();
  throw new Error(failures.length > 0 ? failures.join("; ") : "no web seed or IPFS gateway is listed");
}

function showFailure(ui: Elements, problems: string[]): void {
  ui.root.dataset.route = "failed";
  ui.status.textContent = "";
  ui.alert.hidden = false;
  ui.alert.textContent =
    `The pilot could not be reached from here: no other fan answered and no web seed could be played (${problems.join("; ")}). ` +
    "You can still download it with a desktop BitTorrent client: use the .torrent file or the magnet link below.";
}

/**
 * Starts playback for the `<pp-player>` element `root`; returns a function that stops it: the
 * WebTorrent client and its timers, or the direct download, and whatever was still starting.
 */
export function startPlayer(root: HTMLElement): () => void {
  const config = JSON.parse(root.dataset.config ?? "{}") as PlayerConfig;
  const ui = elements(root);
  const session = new AbortController();
  const { signal } = session;
  const stop = () => {
    if (signal.aborted) return;
    session.abort();
    // A direct download stops with its <video>'s source.
    ui.video.pause();
    if (ui.video.hasAttribute("src")) {
      ui.video.removeAttribute("src");
      ui.video.load();
    }
  };
  // Leaving the page frees the client's connections and its piece store (no disconnect comes then).
  window.addEventListener("pagehide", stop, { once: true, signal });
  void play(config, ui, signal);
  return stop;
}

async function play(config: PlayerConfig, ui: Elements, signal: AbortSignal): Promise<void> {
  delete ui.root.dataset.stopped;
  mark("start");
  ui.video.controls = true;
  const route = choosePlayerRoute({
    serviceWorker: "serviceWorker" in navigator,
    webrtc: typeof RTCPeerConnection === "function",
    secureContext: window.isSecureContext,
    path: location.pathname,
  });
  const problems: string[] = [];
  if (route.kind === "webtorrent") {
    try {
      await streamWithWebTorrent(config, ui, signal);
      return;
    } catch (error) {
      if (signal.aborted) return;
      problems.push(`peer-to-peer: ${(error as Error).message}`);
    }
  }
  try {
    await playDirect(
      config,
      ui,
      route.kind === "direct" ? route.reason : "Peer-to-peer did not start.",
      signal,
    );
  } catch (error) {
    if (signal.aborted) return;
    problems.push(`web seeds: ${(error as Error).message}`);
    showFailure(ui, problems);
  }
}
