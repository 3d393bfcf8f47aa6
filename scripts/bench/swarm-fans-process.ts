/**
 * A child process of the swarm driver (test/browser/swarm-driver.ts) holding some of the Node fans,
 * so that their JavaScript runs on both of the machine's cores instead of one event loop. It
 * speaks over the IPC channel of `fork`: it says `ready` once loaded, then takes `init` (what every fan
 * needs), `join` (start fan i), `poll` (reply with every fan's figures and this process's CPU), `close`.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { NodeFan, type NodeFanOptions, type NodeFanResult } from "./swarm-fan.ts";
import { isMainModule } from "../lib/main-module.ts";

export interface FansInit {
  torrentFile: string;
  announce: string[];
  original: string;
  /** The web seed's file URL; each fan appends `?fan=<index>`. */
  webSeedFileUrl: string;
  uploadLimit: number;
  downloadLimit: number;
  playbackBytesPerSecond: number;
  seederPeerId: string;
  /** `Date.now()` when the run started: every process measures run time from it. */
  runStartEpochMs: number;
}

export type FansRequest =
  | { type: "init"; init: FansInit }
  | { type: "join"; index: number }
  | { type: "poll"; id: number }
  | { type: "close" };

export interface FansPoll {
  type: "poll";
  id: number;
  fans: NodeFanResult[];
  /** CPU microseconds this process used so far. */
  cpuMicros: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export type FansReply = FansPoll | { type: "ready" } | { type: "closed" };

/** Node fans answer WebRTC offers but make none (see test/browser/swarm-driver.ts). */
async function answerOnlyOverWebRtc(): Promise<void> {
  // bittorrent-tracker's WebSocket announcer (untyped): the one WebTorrent's clients use here.
  const websocketTracker: string = "bittorrent-tracker/websocket-tracker";
  const { default: WebSocketTracker } = (await import(websocketTracker)) as {
    default: { prototype: unknown };
  };
  const prototype = WebSocketTracker.prototype as {
    announce: (this: unknown, opts: Record<string, unknown>) => void;
  };
  const announce = prototype.announce;
  prototype.announce = function (this: unknown, opts: Record<string, unknown>) {
    announce.call(this, { ...opts, numwant: 0 });
  };
}

async function serve(): Promise<void> {
  await answerOnlyOverWebRtc();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const fans: NodeFan[] = [];
  let init: FansInit | undefined;
  let torrentFile: Uint8Array | undefined;
  const reply = (message: FansReply) => process.send?.(message);
  process.on("message", (message: FansRequest) => {
    if (message.type === "init") {
      init = message.init;
      torrentFile = Buffer.from(message.init.torrentFile, "base64");
    } else if (message.type === "join" && init !== undefined && torrentFile !== undefined) {
      const start = init.runStartEpochMs;
      const options: NodeFanOptions = {
        index: message.index,
        torrentFile,
        announce: init.announce,
        original: init.original,
        webSeedUrl: `${init.webSeedFileUrl}?fan=${message.index}`,
        uploadLimit: init.uploadLimit,
        downloadLimit: init.downloadLimit,
        playbackBytesPerSecond: init.playbackBytesPerSecond,
        seederPeerId: init.seederPeerId,
        now: () => Date.now() - start,
      };
      fans.push(new NodeFan(options));
    } else if (message.type === "poll") {
      const cpu = process.cpuUsage();
      reply({
        type: "poll",
        id: message.id,
        fans: fans.map((fan) => ({ ...fan.result })),
        cpuMicros: cpu.user + cpu.system,
        eventLoopDelayP99Ms: loop.percentile(99) / 1e6,
        eventLoopDelayMaxMs: loop.max / 1e6,
      });
    } else if (message.type === "close") {
      loop.disable();
      void Promise.allSettled(fans.map((fan) => fan.close())).then(() => {
        reply({ type: "closed" });
        process.exit(0);
      });
    }
  });
  reply({ type: "ready" });
}

// Only when forked as a program, never when imported.
if (isMainModule(import.meta.url)) await serve();
