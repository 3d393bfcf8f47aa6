/**
 * What the player shows while it plays and after: peers, speed, progress, where the bytes came
 * from, what this page has shared, and the one sentence the polite status region reads out. All of
 * it is computed from one sample, so the stats and the status line can never disagree. Pure
 * formatting, unit-tested.
 */
import { formatByteRate, formatBytes, plural } from "./format.ts";

export interface PlayerSample {
  peers: number;
  /** bytes per second */
  downloadSpeed: number;
  /** 0..1 */
  progress: number;
  fromPeers: number;
  fromWebSeeds: number;
  /** Bytes this page has sent to other fans (WebTorrent's `torrent.uploaded`). */
  uploaded: number;
}

export interface PlayerStatsView {
  peers: string;
  speed: string;
  progress: string;
  sources: string;
  shared: string;
  /** One sentence for the polite status region, from the same figures as the fields above. */
  summary: string;
  /** True once every piece is here: the page now only shares. */
  seeding: boolean;
}

/** Share of received bytes that came from peers, 0..100 (0 when nothing arrived yet). */
export function peerShare(sample: Pick<PlayerSample, "fromPeers" | "fromWebSeeds">): number {
  const total = sample.fromPeers + sample.fromWebSeeds;
  return total === 0 ? 0 : Math.round((sample.fromPeers / total) * 100);
}

/**
 * Where the bytes came from, in words, for the status line: a polite live region is read out
 * whenever it changes, so it carries no figure that moves every second (the stats beside it do).
 * It tells the same split as the stats' percentages.
 */
export function sourcesInWords(share: number, received: boolean): string {
  if (!received) return "nothing received yet";
  if (share === 100) return "all of the video so far from other fans";
  if (share === 0) return "all of the video so far from the web seeds";
  if (share === 50) return "half of the video so far from other fans, half from the web seeds";
  return share > 50
    ? "most of the video so far from other fans, the rest from the web seeds"
    : "most of the video so far from the web seeds, the rest from other fans";
}

export function viewStats(sample: PlayerSample): PlayerStatsView {
  const share = peerShare(sample);
  const received = sample.fromPeers + sample.fromWebSeeds > 0;
  const peers = plural(sample.peers, "peer");
  const shared = formatBytes(sample.uploaded);
  const seeding = sample.progress >= 1;
  const sources = received ? `${share}% from peers, ${100 - share}% from web seeds` : "nothing received yet";
  const summary = seeding
    ? `The whole pilot is here, and this page keeps sharing it with other fans while it stays open (${peers} connected; Shared says how much).`
    : `Streaming: ${peers} connected, ${sourcesInWords(share, received)}.`;
  return {
    peers,
    speed: formatByteRate(sample.downloadSpeed),
    progress: `${Math.floor(sample.progress * 100)}%`,
    sources,
    shared: seeding ? `${shared}, still sharing` : shared,
    summary,
    seeding,
  };
}
