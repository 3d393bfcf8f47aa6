/**
 * The verify page's own CID comes from its address, never from the build (site/lib/verify-summary.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { siteCidFromLocation } from "../../site/lib/verify-summary.ts";

const CID_V1 = "bafybeifalukqnm6jdt76eyiyle7hqz65uh7ee6ntkjqxi6yveogfhws26e";
const CID_V0 = "QmQfiq2KR1dnfAjgeSZ8rZDR1f1Kjp8ruDGoMrQyGHgvyS";

describe("siteCidFromLocation", () => {
  it("reads the CID of a path gateway's /ipfs/<cid>/ address", () => {
    assert.equal(
      siteCidFromLocation({ hostname: "w3s.link", pathname: `/ipfs/${CID_V1}/verify.html` }),
      CID_V1,
    );
    assert.equal(siteCidFromLocation({ hostname: "ipfs.io", pathname: `/ipfs/${CID_V0}/` }), CID_V0);
  });

  it("reads the CID of a subdomain gateway's <cid>.ipfs.<host> address", () => {
    assert.equal(
      siteCidFromLocation({ hostname: `${CID_V1}.ipfs.dweb.link`, pathname: "/verify.html" }),
      CID_V1,
    );
  });

  it("finds none on an ordinary host, or where the path holds no CID", () => {
    assert.equal(siteCidFromLocation({ hostname: "pilot.example", pathname: "/verify.html" }), undefined);
    assert.equal(
      siteCidFromLocation({ hostname: "w3s.link", pathname: "/ipfs/not-a-cid/verify.html" }),
      undefined,
    );
  });
});
