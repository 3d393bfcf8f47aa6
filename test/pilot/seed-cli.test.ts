/**
 * `npm run seed` as a process: its help, its refusals' exit codes, and Ctrl-C. (What it does:
 * seed.test.ts, on `seedPilot()`.)
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { command } from "../../scripts/lib/cli.ts";
import { startLocalTracker, type LocalTracker } from "../../scripts/lib/p2p/tracker.ts";
import { addManifestOption } from "../../scripts/lib/flags.ts";
import { addTorrentOptions } from "../../scripts/lib/pilot/cli-options.ts";
import { runScript, startScript } from "../helpers/processes.ts";
import { PILOT } from "../helpers/pilot.ts";

/** The shared flags, as cli-options.ts declares them, and seed's own. */
const FLAGS = [
  ...addManifestOption(addTorrentOptions(command("seed", ""))).options.map((option) => option.long),
  "--port",
  "--recheck",
];

describe("npm run seed", () => {
  let dir: string;
  let manifestFile: string;
  let tracker: LocalTracker;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-seed-cli-"));
    manifestFile = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifestFile);
    tracker = await startLocalTracker(0);
  });

  afterAll(async () => {
    await tracker.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help, every flag listed, and exits 0", async () => {
    const result = await runScript("seed.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run seed -- \[options\] <video file>/);
    for (const flag of FLAGS) assert.match(result.stdout, new RegExp(`^  ${flag} `, "m"), flag);
  });

  it("refuses a port that is no port, naming the flag, with exit code 2", async () => {
    const result = await runScript("seed.ts", [PILOT, "--port", "65536", "--manifest", manifestFile]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /option '--port <n>' argument '65536' is invalid/);
  });

  it("refuses a missing video file, naming it, with exit code 2", async () => {
    const result = await runScript("seed.ts", [join(dir, "no-such-pilot.mp4"), "--manifest", manifestFile]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /video file not found: .*no-such-pilot\.mp4/);
  });

  it("seeds until Ctrl-C, then stops cleanly with exit code 0", async () => {
    const seeding = await startScript(
      "seed.ts",
      [PILOT, "--manifest", manifestFile, "--tracker", tracker.wsAnnounce, "--port", "0"],
      "Press Ctrl-C to stop.",
    );
    try {
      assert.match(seeding.output(), /^info hash {2}[0-9a-f]{40}$/m);
    } finally {
      assert.equal(await seeding.interrupt(), 0);
    }
  });
});
