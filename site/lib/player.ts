/**
 * The pilot player, loaded only when a fan presses play. Streams the torrent into the <video>
 * through WebTorrent's service worker (peers over WebRTC, plus the BEP 19 web seeds; every byte
 * checked against the piece hashes), or, where that cannot work, plays a web seed URL directly
 * (bytes no one checks, which the status line says, naming the host).
 * It never spins forever: a route that does not start playing within the stall timeout falls
 * back, and when nothing is reachable the fan gets a plain explanation and the links.
 */
import type WebTorrent from "webtorrent";
import type { Torrent } from "webtorrent";
import type { PlayerConfig } from "./player-config.ts";
import { choosePlayerRoute, directPlayStatus, directPlayUrls, WebSeedPolicy } from "./player-route.ts";
import { viewStats } from "./player-stats.ts";

const STATS_INTERVAL_MS = 1_000;
const SUMMARY_INTERVAL_MS = 10_000;

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

function setField(stats: HTMLElement, name: string, text: string): void {
  const field = stats.querySelector(`[data-stat="${name}"]`);
  if (field !== null && field.textContent !== text) field.textContent = text;
}

/** Resolves when the video is actually playing (time advances), rejects after `timeoutMs`. */
function playbackStarts(video: HTMLVideoElement, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const startTime = video.currentTime;
    const timer = setTimeout(() => {
      video.removeEventListener("timeupdate", onTime);
      reject(new Error(`no playback within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const onTime = () => {
      if (video.currentTime <= startTime) return;
      clearTimeout(timer);
      video.removeEventListener("timeupdate", onTime);
      resolve();
    };
    video.addEventListener("timeupdate", onTime);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${Math.round(ms / 1000)} s`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

async function registerServiceWorker(url: string): Promise<ServiceWorkerRegistration> {
  const registration = await navigator.serviceWorker.register(url, { scope: "./" });
  const worker = registration.installing ?? registration.waiting ?? registration.active;
  if (worker !== null && worker.state !== "activated") {
    await new Promise<void>((activated) => {
      worker.addEventListener("statechange", () => {
        if (worker.state === "activated") activated();
      });
    });
  }
  return registration;
}

/** Streams through WebTorrent; returns a stop function. */
async function streamWithWebTorrent(config: PlayerConfig, ui: Elements): Promise<() => void> {
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
  // Web seeds are added by the WebSeedPolicy, not as soon as the torrent is ready.
  const client: WebTorrent = new WebTorrentClient({ tracker: { rtcConfig: { iceServers: config.iceServers } }, webSeeds: false });
  client.on("error", () => undefined);
  let timer: ReturnType<typeof setInterval> | undefined;
  let policy: WebSeedPolicy | undefined;
  const stop = () => {
    clearInterval(timer);
    policy?.stop();
    client.destroy();
  };
  try {
    client.createServer({ controller: registration });
    const bytes = { fromPeers: 0, fromWebSeeds: 0 };
    const torrent: Torrent = client.add(torrentFile, { announce: config.trackers, urlList: config.webSeeds, destroyStoreOnDestroy: true });
    torrent.on("warning", () => undefined);
    torrent.on("wire", (wire) => {
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
    const webSeeds = new WebSeedPolicy({
      peerCount,
      addWebSeeds() {
        if (torrent.destroyed) return;
        for (const url of new Set([...torrent.urlList, ...config.webSeeds])) torrent.addWebSeed(url);
      },
    });
    policy = webSeeds;
    webSeeds.ready();
    ui.video.addEventListener("waiting", () => webSeeds.waiting());
    ui.video.addEventListener("playing", () => webSeeds.playing());

    ui.stats.hidden = false;
    let lastSummary = 0;
    const render = () => {
      const view = viewStats({ peers: peerCount(), downloadSpeed: torrent.downloadSpeed, progress: torrent.progress, ...bytes });
      setField(ui.stats, "peers", view.peers);
      setField(ui.stats, "speed", view.speed);
      setField(ui.stats, "progress", view.progress);
      setField(ui.stats, "sources", view.sources);
      ui.root.dataset.fromPeers = String(bytes.fromPeers);
      ui.root.dataset.fromWebSeeds = String(bytes.fromWebSeeds);
      ui.root.dataset.progress = String(torrent.progress);
      const now = Date.now();
      if (now - lastSummary >= SUMMARY_INTERVAL_MS) {
        ui.status.textContent = view.summary;
        lastSummary = now;
      }
    };
    timer = setInterval(render, STATS_INTERVAL_MS);
    render();
    file.streamTo(ui.video);
    await Promise.all([ui.video.play().catch(() => undefined), playbackStarts(ui.video, config.stallTimeoutMs)]);
    ui.root.dataset.route = "webtorrent";
    return stop;
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * Plays the first URL that starts playing (see {@link directPlayUrls} for the order), with the
 * status line naming the host it plays from and saying those bytes are not hash-checked.
 */
async function playDirect(config: PlayerConfig, ui: Elements, reason: string): Promise<void> {
  const failures: string[] = [];
  for (const url of directPlayUrls(config, { origin: location.origin, path: location.pathname })) {
    ui.status.textContent = directPlayStatus(reason, url);
    ui.video.src = url;
    try {
      const failed = new Promise<never>((_, reject) =>
        ui.video.addEventListener("error", () => reject(new Error(`${url} could not be played`)), { once: true }),
      );
      await Promise.race([Promise.all([ui.video.play(), playbackStarts(ui.video, config.stallTimeoutMs)]), failed]);
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

/** Starts playback for the Player component rooted at `root`. */
export async function startPlayer(root: HTMLElement, config: PlayerConfig): Promise<void> {
  const ui = elements(root);
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
      const stop = await streamWithWebTorrent(config, ui);
      window.addEventListener("pagehide", stop, { once: true });
      return;
    } catch (error) {
      problems.push(`peer-to-peer: ${(error as Error).message}`);
    }
  }
  try {
    await playDirect(config, ui, route.kind === "direct" ? route.reason : "Peer-to-peer did not start.");
  } catch (error) {
    problems.push(`web seeds: ${(error as Error).message}`);
    showFailure(ui, problems);
  }
}
