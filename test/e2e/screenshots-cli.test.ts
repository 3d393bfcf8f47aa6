/**
 * `npm run screenshots` as a user runs it, without taking the pictures (that starts the whole
 * local stack and Chromium: the script itself is run by hand after a change to the pages).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { runScript } from "../helpers/processes.ts";

describe("npm run screenshots", () => {
  it("prints its usage with --help and exits 0", async () => {
    const result = await runScript("screenshots.ts", ["--help"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: npm run screenshots/);
    assert.match(result.stdout, /--out <dir> +where the PNGs go \(default: "docs\/screenshots"\)/);
  });

  it("refuses an unknown flag, naming it, with exit code 2", async () => {
    const result = await runScript("screenshots.ts", ["--width", "800"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--width/);
  });
});
