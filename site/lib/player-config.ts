/**
 * What the Player component hands its script: built from the manifest's `torrent` and `ipfs`
 * sections at build time, read from a data attribute in the browser.
 */

/** The pilot pinned to IPFS (the manifest's `ipfs.pilot`), as far as the player needs it. */
export interface IpfsPilot {
  /** Root CID of the pilot as one UnixFS file. */
  cid: string;
  /** The pilot on the manifest's gateways, in order. */
  urls: string[];
  /** The file's name, sent as `?filename=` so a gateway names its type. */
  name: string;
}

export interface PlayerConfig {
  /** Relative URL of the published .torrent. */
  torrentUrl: string;
  /** Relative URL of WebTorrent's service worker. */
  serviceWorkerUrl: string;
  trackers: string[];
  webSeeds: string[];
  /** Pieces in the torrent (the manifest's length over its piece length, rounded up). */
  pieces: number;
  /** The pilot on IPFS, when the manifest has `ipfs.pilot`. */
  ipfsPilot?: IpfsPilot;
  iceServers: RTCIceServer[];
  /** Give up on a route after this long without playback (ms). */
  stallTimeoutMs: number;
}
