/**
 * runLocalCampaign() (what `npm start` runs) in this process, on free ports: it prints the
 * summary once the campaign runs and stops everything when told to. (The stack itself, read by
 * Chromium and a BitTorrent client: test/e2e/local-stack.test.ts.)
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { runLocalCampaign } from "../../scripts/lib/start-command.ts";

describe("runLocalCampaign()", () => {
  let dir: string;
  let summary = "";
  const messages: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-run-local-"));
    let running = false;
    await runLocalCampaign(
      { dir, goalBackers: 2 },
      {
        write: (text) => (summary += text),
        onProgress: (message) => messages.push(message),
        stopWhen: () => {
          running = true;
          return Promise.resolve("test over");
        },
      },
    );
    assert.ok(running);
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("prints the summary once the campaign runs, ending with how to stop it", () => {
    assert.match(summary, /^peerpilot: the local campaign is running$/m);
    assert.match(summary, /Press Ctrl-C to stop\.\n$/);
  });

  it("stops the site and the chain when told to, saying why", async () => {
    const site = /^\s+site\s+(\S+)/m.exec(summary)?.[1];
    const rpc = /^\s+chain \(RPC\)\s+(\S+)/m.exec(summary)?.[1];
    assert.ok(site !== undefined && rpc !== undefined, summary);
    // Nothing listens any more: the connection is refused.
    await assert.rejects(fetch(site), TypeError);
    await assert.rejects(fetch(rpc, { method: "POST" }), TypeError);
    assert.ok(messages.includes("\ntest over: stopping the site and the chain…"));
    assert.equal(messages.at(-1), "Stopped.");
  });
});
