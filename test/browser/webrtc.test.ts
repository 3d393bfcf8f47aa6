/**
 * The player over WebRTC: Chromium plays the sample pilot from a Node seeder, inside a network
 * namespace the test creates (see namespace.ts).
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { buildPilotSite, type PilotSite } from "./pilot-site.ts";
import { NAMESPACE_URLS, runInNamespace } from "./namespace.ts";
import { CHROMIUM, NETWORK_NAMESPACES, missing } from "../helpers/requirements.ts";

interface RunResult {
  played: boolean;
  firstFrameMs: number;
  route?: string;
  fromPeers: number;
  fromWebSeeds: number;
  error?: string;
}

describe.skipIf(missing(CHROMIUM, NETWORK_NAMESPACES))("the player over WebRTC (Chromium and a Node seeder in a network namespace)", () => {
  let site: PilotSite;
  let results: { peersOnly: RunResult[]; peerAndWebSeed: RunResult[] };

  beforeAll(async () => {
    site = await buildPilotSite([NAMESPACE_URLS.tracker], [NAMESPACE_URLS.webSeed]);
    const output = await runInNamespace("test/browser/webrtc-driver.ts", [site.outDir, "1"], 150_000);
    results = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
  });

  afterAll(async () => {
    if (site) await rm(site.dir, { recursive: true, force: true });
  });

  it("plays the sample pilot from the Node seeder over WebRTC when the web seed is unreachable", () => {
    const [run] = results.peersOnly;
    assert.ok(run?.played, `did not play: ${run?.error}`);
    assert.equal(run.route, "webtorrent");
    assert.ok(run.fromPeers > 0, "no byte came from a peer");
    assert.equal(run.fromWebSeeds, 0);
  });

  it("shows bytes received from peers when a peer seeds alongside the web seed", () => {
    const [run] = results.peerAndWebSeed;
    assert.ok(run?.played, `did not play: ${run?.error}`);
    assert.ok(run.fromPeers > 0, `no byte came from the seeding peer (web seeds: ${run.fromWebSeeds})`);
  });
});
