/**
 * `npm run pin` as a process: its help, its exit codes, and what only a process shows (no network
 * at all offline, no secret in what it prints). (What it does: pin.test.ts and upload.test.ts, on
 * `pinContent()`.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import * as Signer from "@storacha/client/principal/ed25519";
import { command } from "../../scripts/lib/cli.ts";
import { addManifestOption } from "../../scripts/lib/flags.ts";
import { addIpfsOptions } from "../../scripts/lib/pilot/cli-options.ts";
import { closedPort } from "../helpers/ports.ts";
import { runScript } from "../helpers/processes.ts";
import { missing, NETWORK_NAMESPACES } from "../helpers/requirements.ts";
import { garbledShapes, secretRunsIn } from "../helpers/secrets.ts";
import { startUploadService, type UploadService } from "../helpers/upload-service.ts";
import { namespaceEnv } from "../browser/namespace.ts";
import { PILOT } from "../helpers/pilot.ts";

const GATEWAYS = ["--gateway", "http://127.0.0.1:9", "--gateway", "http://127.0.0.1:10/"];
const NO_CREDENTIALS = { STORACHA_PRINCIPAL: "", STORACHA_PROOF: "" };
/** The shared flags, as cli-options.ts declares them, and pin's own. */
const FLAGS = [
  "--offline",
  ...addManifestOption(addIpfsOptions(command("pin", ""))).options.map((option) => option.long),
];

describe("npm run pin", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-pin-cli-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help, every flag and credential variable listed, and exits 0", async () => {
    const result = await runScript("pin.ts", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: npm run pin -- \[options\] <pilot file \| built site directory>/);
    for (const flag of FLAGS) assert.match(result.stdout, new RegExp(`^  ${flag} `, "m"), flag);
    for (const variable of ["STORACHA_PRINCIPAL", "STORACHA_PROOF", "STORACHA_SERVICE_URL"])
      assert.match(result.stdout, new RegExp(`^  ${variable}\\b`, "m"), variable);
  });

  it("refuses an unknown flag, naming it, with exit code 2", async () => {
    const result = await runScript("pin.ts", [PILOT, "--ofline"], NO_CREDENTIALS);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '--ofline'/);
    assert.match(result.stderr, /Did you mean --offline\?/);
  });

  it.skipIf(missing(NETWORK_NAMESPACES))(
    "--offline needs no network at all: it works in a network namespace with no interface up",
    () => {
      const child = spawnSync(
        "unshare",
        [
          "-rn",
          resolve("node_modules/.bin/tsx"),
          "scripts/pin.ts",
          PILOT,
          "--offline",
          "--car-dir",
          join(dir, "car-nonet"),
          "--manifest",
          join(dir, "none.json"),
        ],
        { encoding: "utf8", env: { ...namespaceEnv(dir), ...NO_CREDENTIALS } },
      );
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /^root {5}bafy/m);
    },
  );

  it("refuses to upload without credentials with exit code 2, nothing encoded", async () => {
    const manifest = join(dir, "campaign.json");
    await copyFile("test/fixtures/campaign.json", manifest);
    const before = await readFile(manifest, "utf8");
    const result = await runScript("pin.ts", [PILOT, "--manifest", manifest, ...GATEWAYS], NO_CREDENTIALS);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing Storacha credentials: set STORACHA_PRINCIPAL and STORACHA_PROOF/);
    assert.doesNotMatch(
      result.stderr,
      /encoding|reading/,
      "nothing is read before the credentials are checked",
    );
    assert.equal(await readFile(manifest, "utf8"), before, "the manifest is untouched");
  });

  it("never prints a garbled key, in any shape: what the process writes is redacted too", async () => {
    const key = Signer.format(await Signer.generate());
    for (const [shape, value] of Object.entries(garbledShapes(key))) {
      const result = await runScript("pin.ts", [PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS], {
        STORACHA_PRINCIPAL: value,
        STORACHA_PROOF: "bm90IGEgcHJvb2Y=",
      });
      assert.equal(result.code, 2, shape);
      assert.match(result.stderr, /STORACHA_PRINCIPAL is not an ed25519 private key/, shape);
      assert.deepEqual(secretRunsIn(result.stdout + result.stderr, key), [], shape);
    }
  });

  describe("with credentials", () => {
    let service: UploadService;

    beforeAll(async () => {
      service = await startUploadService();
    });

    afterAll(async () => {
      await service?.close();
    });

    it("exits 1 when the upload fails, with no stack trace, printing neither credential", async () => {
      const credentials = await service.createCredentials();
      const down = `http://127.0.0.1:${await closedPort()}/`;
      const result = await runScript("pin.ts", [PILOT, "--manifest", join(dir, "none.json"), ...GATEWAYS], {
        STORACHA_PRINCIPAL: credentials.principal,
        STORACHA_PROOF: credentials.proof,
        STORACHA_SERVICE_URL: down,
        STORACHA_SERVICE_DID: service.did,
        STORACHA_RECEIPTS_URL: `${down}receipt/`,
      });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /Run the same command again to resume/);
      assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
      for (const secret of [credentials.principal, credentials.proof])
        assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
    });
  });
});
