/**
 * `npm run verify` as a verifier runs it: a child process against the real local stack (a Hardhat
 * chain with the escrow deployed as `npm start` deploys it), with the artifact made from this
 * repository's Hardhat build. Exit codes: 0 exact match, 1 something differs, 2 bad input or an
 * RPC that could not be reached (the others still checked).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { runScript } from "../helpers/processes.ts";

/** A port on 127.0.0.1 that nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe("npm run verify (the CLI, on the local stack)", () => {
  let dir: string;
  let stack: LocalStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-verify-cli-"));
    stack = await startLocalStack({ dir, goalBackers: 3 });
  });

  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("says exact match and exits 0 for the deployed escrow", async () => {
    const { code, stdout, stderr } = await runScript("verify.ts", ["--manifest", stack.manifestFile]);
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /^✓ Exact match$/m);
    assert.match(stdout, /^✓ Code: Exact match/m);
    assert.match(stdout, /^✓ Metadata hash: /m);
    assert.match(stdout, /^✓ Goal \(backers\): 3, as the manifest says\.$/m);
    assert.doesNotMatch(stdout, /^✗/m);
  });

  it("names goalBackers and the chain's value when the manifest claims another goal, and exits 1", async () => {
    const manifest = JSON.parse(await readFile(stack.manifestFile, "utf8")) as {
      escrow: { goalBackers: number };
    };
    manifest.escrow.goalBackers = 1000;
    const claimed = join(dir, "other-goal.json");
    await writeFile(claimed, JSON.stringify(manifest));
    const { code, stdout, stderr } = await runScript("verify.ts", ["--manifest", claimed]);
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.match(stdout, /goalBackers is 3 on chain, 1000 in the manifest/);
    assert.match(stdout, /^✗ Goal \(backers\) is 3 on chain; the manifest says 1000\.$/m);
    assert.match(stdout, /^ {2}differs: .*goalBackers/m);
  });

  it("names an RPC it cannot reach, still checks the others, and exits 2", async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await runScript("verify.ts", [
      "--manifest",
      stack.manifestFile,
      "--rpc-url",
      `http://127.0.0.1:${port}/secret-key`,
    ]);
    assert.equal(code, 2, `${stdout}\n${stderr}`);
    assert.match(
      stdout,
      new RegExp(
        `^✗ RPC 127\\.0\\.0\\.1:${port}: Could not use the RPC 127\\.0\\.0\\.1:${port} \\(connection refused\\)`,
        "m",
      ),
    );
    assert.match(stdout, /^✓ Code: Exact match/m);
    assert.match(stdout, new RegExp(`not reached: 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(stdout + stderr, /secret-key/);
  });

  it("exits 2 naming the file for a manifest that does not exist", async () => {
    const { code, stderr } = await runScript("verify.ts", ["--manifest", join(dir, "missing.json")]);
    assert.equal(code, 2);
    assert.match(stderr, /missing\.json/);
  });

  it("prints its usage for --help and exits 0", async () => {
    const { code, stdout } = await runScript("verify.ts", ["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: npm run verify -- \[options\]/);
    for (const flag of ["--manifest", "--rpc-url", "--artifact"])
      assert.ok(stdout.includes(flag), `usage lists ${flag}`);
  });
});
