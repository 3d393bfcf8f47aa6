/**
 * What the player shows while it plays: peers, speed, progress and where the bytes came from.
 * Pure formatting, unit-tested.
 */

export interface PlayerSample {
  peers: number;
  /** bytes per second */
  downloadSpeed: number;
  /** 0..1 */
  progress: number;
  fromPeers: number;
  fromWebSeeds: number;
}

export interface PlayerStatsView {
  peers: string;
  speed: string;
  progress: string;
  sources: string;
  /** A short sentence for the polite status region. */
  summary: string;
}

export function formatSpeed(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1024 * 1024) return `${(bytesPerSecond / (1024 * 1024)).toFixed(1)} MiB/s`;
  if (bytesPerSecond >= 1024) return `${(bytesPerSecond / 1024).toFixed(0)} KiB/s`;
  return `${Math.round(bytesPerSecond)} B/s`;
}

/** Share of received bytes that came from peers, 0..100 (0 when nothing arrived yet). */
export function peerShare(sample: Pick<PlayerSample, "fromPeers" | "fromWebSeeds">): number {
  const total = sample.fromPeers + sample.fromWebSeeds;
  return total === 0 ? 0 : Math.round((sample.fromPeers / total) * 100);
}

export function viewStats(sample: PlayerSample): PlayerStatsView {
  const share = peerShare(sample);
  const received = sample.fromPeers + sample.fromWebSeeds > 0;
  const peers = `${sample.peers} ${sample.peers === 1 ? "peer" : "peers"}`;
  return {
    peers,
    speed: formatSpeed(sample.downloadSpeed),
    progress: `${Math.floor(sample.progress * 100)}%`,
    sources: received ? `${share}% from peers, ${100 - share}% from web seeds` : "nothing received yet",
    summary: `Playing: ${peers} connected, ${share}% of the video so far from other fans.`,
  };
}
