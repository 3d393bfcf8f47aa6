/**
 * The player over WebRTC: Chromium plays the sample pilot from a Node seeder, inside a network
 * namespace the test creates (see namespace.ts).
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { sourcesInWords } from "../../site/lib/player-stats.ts";
import { buildPilotSite, type PilotSite } from "./pilot-site.ts";
import { NAMESPACE_URLS, runInNamespace } from "./namespace.ts";
import { CHROMIUM, NETWORK_NAMESPACES, missing } from "../helpers/requirements.ts";
import { toldFigures } from "./player-page.ts";
import type { DriverResults } from "./webrtc-driver.ts";

describe.skipIf(missing(CHROMIUM, NETWORK_NAMESPACES))(
  "the player over WebRTC (Chromium and a Node seeder in a network namespace)",
  () => {
    let site: PilotSite;
    let results: DriverResults;

    beforeAll(async () => {
      site = await buildPilotSite([NAMESPACE_URLS.tracker], [NAMESPACE_URLS.webSeed]);
      const output = await runInNamespace("test/browser/webrtc-driver.ts", [site.outDir, "1"], 150_000);
      results = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as DriverResults;
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

    it("tells in the status line the same peers and share as the stats beside it (1 peer, every byte from it)", () => {
      const [run] = results.peersOnly;
      assert.ok(run?.played, `did not play: ${run?.error}`);
      const told = toldFigures(run);
      assert.equal(told.statsPeers, "1", run.stats);
      assert.equal(told.statusPeers, told.statsPeers, run.status);
      assert.equal(told.statsShare, "100", run.stats);
      if (told.statusShare !== undefined)
        assert.equal(told.statusShare, sourcesInWords(Number(told.statsShare), true), run.status);
    });

    it("says, once the whole pilot is here, that the page keeps sharing it while it stays open", () => {
      const [run] = results.peersOnly;
      assert.ok(run?.played, `did not play: ${run?.error}`);
      assert.equal(
        run.status,
        "The whole pilot is here, and this page keeps sharing it with other fans while it stays open (1 peer connected; Shared says how much).",
      );
      assert.match(run.stats, /Shared\s*[\d.]+ (bytes?|KiB|MiB|GiB), still sharing/);
    });

    it("meets no console error, failed request or HTTP error while it plays over WebRTC", () => {
      for (const run of [...results.peersOnly, ...results.peerAndWebSeed]) assert.deepEqual(run.problems, []);
    });
  },
);
