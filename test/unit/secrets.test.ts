/**
 * No CLI message ever contains a secret's text: the credential checks describe a malformed key
 * or delegation by its shape, never by its content, and everything the CLIs print passes through
 * a redactor that removes any run of a secret's characters (quoted, escaped or cut short).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import * as Signer from "@storacha/client/principal/ed25519";
import { readCredentials } from "../../scripts/lib/ipfs/credentials.ts";
import { describeShape, redactSecrets, SECRET_ENV } from "../../scripts/lib/secrets.ts";
import { garbledShapes, secretRunsIn } from "../helpers/secrets.ts";

const key = Signer.format(await Signer.generate());

describe("secrets in CLI output", () => {
  for (const [shape, value] of Object.entries(garbledShapes(key))) {
    it(`readCredentials's error for a key ${shape} names the variable and contains none of the key`, async () => {
      const error = await readCredentials({
        [SECRET_ENV.storachaKey]: value,
        [SECRET_ENV.storachaProof]: "bm90IGEgcHJvb2Y=",
      }).then(
        () => assert.fail("a garbled key must be refused"),
        (error: Error) => error,
      );
      assert.match(error.message, /^STORACHA_PRINCIPAL is not an ed25519 private key/);
      assert.deepEqual(secretRunsIn(error.message, key), []);
    });
  }

  it("readCredentials's error for a garbled delegation names the variable and contains none of it", async () => {
    const proof = Buffer.from(`not a CAR file ${key}`).toString("base64").slice(0, 60);
    const error = await readCredentials({
      [SECRET_ENV.storachaKey]: key,
      [SECRET_ENV.storachaProof]: proof,
    }).then(
      () => assert.fail("a garbled delegation must be refused"),
      (error: Error) => error,
    );
    assert.match(error.message, /^STORACHA_PROOF is not a delegation/);
    assert.deepEqual(secretRunsIn(error.message, proof), []);
  });

  it("describeShape names the slips of a paste: quotes, line breaks, the missing prefix", () => {
    assert.match(describeShape(`"${key}"`, "Mg"), /wrapped in quotes/);
    assert.match(describeShape(`${key.slice(0, 30)}\n${key.slice(30)}`, "Mg"), /more than one line/);
    assert.match(describeShape(key.slice(2), "Mg"), /does not begin with "Mg"/);
    assert.match(describeShape(key.slice(0, 40)), /40 characters/);
  });

  it("redactSecrets removes a secret's text quoted, escaped or in part", () => {
    const env = { [SECRET_ENV.storachaKey]: `"${key}"` };
    for (const text of [`key ${key}.`, JSON.stringify({ key }), `decoding "${key.slice(10, 30)}" failed`]) {
      const redacted = redactSecrets(text, env);
      assert.deepEqual(secretRunsIn(redacted, key), [], text);
      assert.match(redacted, /\[redacted\]/);
    }
  });

  it("redactSecrets leaves text that holds no secret as it is", () => {
    const text = "pinned bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi to 2 gateways";
    assert.equal(
      redactSecrets(text, {
        [SECRET_ENV.storachaKey]: key,
        [SECRET_ENV.deployerKey]: `0x${"ab".repeat(32)}`,
      }),
      text,
    );
  });
});
