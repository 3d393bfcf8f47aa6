import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  choosePlayerRoute,
  directPlayStatus,
  directPlayUrls,
  onSharedGateway,
} from "../../site/lib/player-route.ts";
import { peerShare, sourcesInWords, viewStats } from "../../site/lib/player-stats.ts";

const capable = { serviceWorker: true, webrtc: true, secureContext: true, path: "/index.html" };

describe("choosing how the player gets the pilot", () => {
  it("streams through WebTorrent when the browser has service workers and WebRTC in a secure context", () => {
    assert.deepEqual(choosePlayerRoute(capable), { kind: "webtorrent" });
  });

  it("plays a web seed directly without service workers", () => {
    assert.equal(choosePlayerRoute({ ...capable, serviceWorker: false }).kind, "direct");
  });

  it("plays a web seed directly outside a secure context (no service worker allowed there)", () => {
    assert.equal(choosePlayerRoute({ ...capable, secureContext: false }).kind, "direct");
  });

  it("plays a web seed directly without WebRTC, saying why", () => {
    const route = choosePlayerRoute({ ...capable, webrtc: false });
    assert.equal(route.kind, "direct");
    assert.match(route.kind === "direct" ? route.reason : "", /no WebRTC/);
  });

  it("plays straight from the gateway when served from a shared IPFS path gateway", () => {
    const route = choosePlayerRoute({
      ...capable,
      path: "/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/index.html",
    });
    assert.equal(route.kind, "direct");
  });

  it("recognises /ipfs/ and /ipns/ paths only at the start", () => {
    assert.equal(onSharedGateway("/ipns/example.org/"), true);
    assert.equal(onSharedGateway("/site/ipfs/x"), false);
  });

  it("says why it plays straight from a shared gateway: every site there shares the page's origin", () => {
    const route = choosePlayerRoute({ ...capable, path: "/ipfs/bafysite/" });
    assert.match(
      route.kind === "direct" ? route.reason : "",
      /^This page comes from a shared IPFS gateway, .*shares its origin, so streaming through a service worker would not be safe\.$/,
    );
  });
});

describe("what the status line says while the player plays a URL directly", () => {
  it("gives the reason, the host it plays from, and that these bytes are not checked against the piece hashes", () => {
    assert.equal(
      directPlayStatus(
        "This browser has no WebRTC, so it cannot reach other fans.",
        "http://127.0.0.1:8001/sample-pilot.mp4",
      ),
      "This browser has no WebRTC, so it cannot reach other fans. Playing directly from 127.0.0.1:8001 — these bytes are not checked against the torrent's piece hashes.",
    );
  });

  it("names the host only, not the path or query of the URL", () => {
    const status = directPlayStatus(
      "Peer-to-peer did not start.",
      "https://w3s.link/ipfs/bafybeipilot?filename=pilot.mp4",
    );
    assert.match(status, /Playing directly from w3s\.link — /);
    assert.ok(!status.includes("bafybeipilot"), status);
  });
});

describe("which URLs the player plays directly, in which order", () => {
  const SITE = "/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/";
  const ipfsPilot = {
    cid: "bafybeipilot",
    name: "pilot.mp4",
    urls: [
      "https://one.example/ipfs/bafybeipilot?filename=pilot.mp4",
      "https://two.example/ipfs/bafybeipilot?filename=pilot.mp4",
    ],
  };
  const webSeeds = ["https://seed.example/pilot.mp4"];

  it("on a path gateway: the pilot on that same gateway first, then the pinned URLs, then the web seeds", () => {
    assert.deepEqual(
      directPlayUrls({ webSeeds, ipfsPilot }, { origin: "https://three.example", path: SITE }),
      ["https://three.example/ipfs/bafybeipilot?filename=pilot.mp4", ...ipfsPilot.urls, ...webSeeds],
    );
  });

  it("lists a URL once when the page's gateway is also a pinned gateway or a web seed", () => {
    const urls = directPlayUrls(
      { webSeeds: [...ipfsPilot.urls].reverse(), ipfsPilot },
      { origin: "https://two.example", path: `${SITE}index.html` },
    );
    assert.deepEqual(urls, [ipfsPilot.urls[1], ipfsPilot.urls[0]]);
  });

  it("at a domain root: the web seeds first, then the pinned URLs", () => {
    assert.deepEqual(
      directPlayUrls({ webSeeds, ipfsPilot }, { origin: "https://pilot.example", path: "/index.html" }),
      [...webSeeds, ...ipfsPilot.urls],
    );
  });

  it("without the pilot on IPFS: the web seeds alone, even on a gateway", () => {
    assert.deepEqual(directPlayUrls({ webSeeds }, { origin: "https://three.example", path: SITE }), webSeeds);
  });
});

describe("the player's stats", () => {
  it("computes the share of bytes from peers, 0 before any byte", () => {
    assert.equal(peerShare({ fromPeers: 0, fromWebSeeds: 0 }), 0);
    assert.equal(peerShare({ fromPeers: 900, fromWebSeeds: 100 }), 90);
  });

  it("says nothing was received yet rather than a made-up split", () => {
    const view = viewStats({
      peers: 0,
      downloadSpeed: 0,
      progress: 0,
      fromPeers: 0,
      fromWebSeeds: 0,
      uploaded: 0,
    });
    assert.equal(view.sources, "nothing received yet");
    assert.equal(view.summary, "Streaming: 0 peers connected, nothing received yet.");
  });

  it("shows peers, speed, progress and sources", () => {
    const view = viewStats({
      peers: 1,
      downloadSpeed: 2 * 1024 * 1024,
      progress: 0.426,
      fromPeers: 3,
      fromWebSeeds: 1,
      uploaded: 1536,
    });
    assert.deepEqual(
      {
        peers: view.peers,
        speed: view.speed,
        progress: view.progress,
        sources: view.sources,
        shared: view.shared,
      },
      {
        peers: "1 peer",
        speed: "2.0 MiB/s",
        progress: "42%",
        sources: "75% from peers, 25% from web seeds",
        shared: "2 KiB",
      },
    );
    assert.equal(view.seeding, false);
  });

  it("tells in the status line the same peers and share as the stats beside it", () => {
    // The sample from the defect report: one peer, every byte from it.
    const view = viewStats({
      peers: 1,
      downloadSpeed: 0,
      progress: 1,
      fromPeers: 4_031_832,
      fromWebSeeds: 0,
      uploaded: 0,
    });
    assert.equal(view.peers, "1 peer");
    assert.equal(view.sources, "100% from peers, 0% from web seeds");
    assert.ok(view.summary.includes(view.peers), view.summary);
    const streaming = viewStats({
      peers: 3,
      downloadSpeed: 0,
      progress: 0.5,
      fromPeers: 9,
      fromWebSeeds: 1,
      uploaded: 0,
    });
    assert.equal(
      streaming.summary,
      `Streaming: ${streaming.peers} connected, most of the video so far from other fans, the rest from the web seeds.`,
    );
    assert.ok(streaming.sources.startsWith("90% from peers"), streaming.sources);
  });

  it("says, once the whole pilot is here, that the page keeps sharing it and how much it has shared", () => {
    const view = viewStats({
      peers: 2,
      downloadSpeed: 0,
      progress: 1,
      fromPeers: 10,
      fromWebSeeds: 0,
      uploaded: 5.25 * 1024 * 1024,
    });
    assert.equal(view.seeding, true);
    assert.equal(view.shared, "5.3 MiB, still sharing");
    assert.equal(
      view.summary,
      "The whole pilot is here, and this page keeps sharing it with other fans while it stays open (2 peers connected; Shared says how much).",
    );
  });

  it("tells the status line's source split in words that match the stats' percentages, with no figure that moves every second", () => {
    assert.equal(sourcesInWords(100, true), "all of the video so far from other fans");
    assert.equal(sourcesInWords(0, true), "all of the video so far from the web seeds");
    assert.equal(
      sourcesInWords(50, true),
      "half of the video so far from other fans, half from the web seeds",
    );
    assert.match(sourcesInWords(51, true), /^most of the video so far from other fans/);
    assert.match(sourcesInWords(49, true), /^most of the video so far from the web seeds/);
    assert.equal(sourcesInWords(0, false), "nothing received yet");
    const view = viewStats({
      peers: 1,
      downloadSpeed: 123_456,
      progress: 0.3,
      fromPeers: 7,
      fromWebSeeds: 3,
      uploaded: 999,
    });
    assert.doesNotMatch(view.summary, /\d+(\.\d+)? ?(%|KiB|MiB|B\/s)/);
  });
});
