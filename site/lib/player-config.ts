/**
 * What the Player component hands its script: built from the manifest's `torrent` section at
 * build time, read from a data attribute in the browser.
 */
export interface PlayerConfig {
  /** Relative URL of the published .torrent. */
  torrentUrl: string;
  /** Relative URL of WebTorrent's service worker. */
  serviceWorkerUrl: string;
  magnet: string;
  trackers: string[];
  webSeeds: string[];
  iceServers: RTCIceServer[];
  /** Give up on a route after this long without playback (ms). */
  stallTimeoutMs: number;
}
