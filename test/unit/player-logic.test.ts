import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choosePlayerRoute, onSharedGateway } from "../../site/lib/player-route.ts";
import { formatSpeed, peerShare, viewStats } from "../../site/lib/player-stats.ts";

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
    const route = choosePlayerRoute({ ...capable, path: "/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/index.html" });
    assert.equal(route.kind, "direct");
    assert.match(route.kind === "direct" ? route.reason : "", /IPFS gateway/);
  });

  it("recognises /ipfs/ and /ipns/ paths only at the start", () => {
    assert.equal(onSharedGateway("/ipns/example.org/"), true);
    assert.equal(onSharedGateway("/site/ipfs/x"), false);
  });
});

describe("the player's stats", () => {
  it("formats speeds in B/s, KiB/s and MiB/s", () => {
    assert.equal(formatSpeed(512), "512 B/s");
    assert.equal(formatSpeed(200 * 1024), "200 KiB/s");
    assert.equal(formatSpeed(9.7 * 1024 * 1024), "9.7 MiB/s");
  });

  it("computes the share of bytes from peers, 0 before any byte", () => {
    assert.equal(peerShare({ fromPeers: 0, fromWebSeeds: 0 }), 0);
    assert.equal(peerShare({ fromPeers: 900, fromWebSeeds: 100 }), 90);
  });

  it("says nothing was received yet rather than a made-up split", () => {
    const view = viewStats({ peers: 0, downloadSpeed: 0, progress: 0, fromPeers: 0, fromWebSeeds: 0 });
    assert.equal(view.sources, "nothing received yet");
  });

  it("shows peers, speed, progress and sources", () => {
    const view = viewStats({ peers: 1, downloadSpeed: 2 * 1024 * 1024, progress: 0.426, fromPeers: 3, fromWebSeeds: 1 });
    assert.deepEqual(
      { peers: view.peers, speed: view.speed, progress: view.progress, sources: view.sources },
      { peers: "1 peer", speed: "2.0 MiB/s", progress: "42%", sources: "75% from peers, 25% from web seeds" },
    );
    assert.match(view.summary, /1 peer connected, 75% of the video so far from other fans/);
  });
});
