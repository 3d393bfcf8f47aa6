/** File names the site publishes next to its pages when the manifest has a `torrent` section. */
export const PILOT_ASSETS = {
  torrent: "pilot.torrent",
  captions: "captions.vtt",
  /**
   * The poster frame's name without extension: published as poster.jpg, .png or .webp, after the image's real
   * type.
   */
  poster: "poster",
  /** WebTorrent's streaming service worker (webtorrent/dist/sw.min.js). */
  serviceWorker: "sw.min.js",
} as const;
