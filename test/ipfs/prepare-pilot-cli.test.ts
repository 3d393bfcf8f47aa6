/**
 * `npm run prepare-pilot` as a process: its help and its exit codes. (What it does:
 * prepare-pilot.test.ts, on `prepareToPublish()`.)
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { command } from "../../scripts/lib/cli.ts";
import { addManifestOption } from "../../scripts/lib/flags.ts";
import { addIpfsOptions, addTorrentOptions } from "../../scripts/lib/pilot/cli-options.ts";
import { runScript } from "../helpers/processes.ts";
import { PILOT } from "../helpers/pilot.ts";

/** Its flags, all shared, as cli-options.ts declares them. */
const FLAGS = addManifestOption(addIpfsOptions(addTorrentOptions(command("prepare-pilot", "")))).options.map(
  (option) => option.long,
);

describe("npm run prepare-pilot", () => {
  it("prints its usage with --help, every flag listed, and exits 0", async () => {
    const result = await runScript("prepare-pilot.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run prepare-pilot -- \[options\] <pilot file>/);
    assert.match(result.stdout, /Reads the pilot once/);
    for (const flag of FLAGS) assert.match(result.stdout, new RegExp(`^  ${flag} `, "m"), flag);
  });

  it("refuses a flag without its value, naming it, with exit code 2", async () => {
    const result = await runScript("prepare-pilot.ts", [PILOT, "--tracker"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /option '--tracker <url>' argument missing/);
  });

  it("refuses a missing pilot file, naming it, with exit code 2", async () => {
    const result = await runScript("prepare-pilot.ts", ["no-such.mp4", "--tracker", "ws://127.0.0.1:9"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pilot file not found: .*no-such\.mp4/);
  });
});
