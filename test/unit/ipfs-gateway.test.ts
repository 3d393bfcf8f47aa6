/**
 * Gateway URLs and the gateway a page is served from (site/lib/ipfs-gateway.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { gatewayUrl, pathGatewayPrefix } from "../../site/lib/ipfs-gateway.ts";
import { covers } from "../../scripts/lib/ipfs/credentials.ts";

const CID = "bafybeihj7la6ebjpoyssit3gm5skayzbbypumqbi3lm552lrxdcst7dlue";

describe("IPFS gateway URLs", () => {
  it("a path gateway serves a CID under /ipfs/", () => {
    assert.equal(gatewayUrl("https://w3s.link", CID), `https://w3s.link/ipfs/${CID}`);
  });

  it("a trailing slash or a path prefix on the gateway is kept, without doubling slashes", () => {
    assert.equal(gatewayUrl("https://example.org/gw/", CID), `https://example.org/gw/ipfs/${CID}`);
  });

  it("a {cid} template makes a subdomain gateway URL", () => {
    assert.equal(gatewayUrl("https://{cid}.ipfs.dweb.link", CID), `https://${CID}.ipfs.dweb.link/`);
  });

  it("a file's name travels as ?filename=, encoded", () => {
    assert.equal(
      gatewayUrl("https://ipfs.io", CID, { filename: "the pilot.mp4" }),
      `https://ipfs.io/ipfs/${CID}?filename=the+pilot.mp4`,
    );
  });

  it("a directory URL ends with a slash, so relative links resolve inside it", () => {
    assert.equal(gatewayUrl("https://ipfs.io", CID, { directory: true }), `https://ipfs.io/ipfs/${CID}/`);
  });
});

describe("the path gateway a page is served from", () => {
  it("is the /ipfs/<cid>/ prefix of the page's path", () => {
    assert.equal(pathGatewayPrefix(`/ipfs/${CID}/index.html`), `/ipfs/${CID}/`);
  });

  it("covers /ipns/ names too", () => {
    assert.equal(pathGatewayPrefix("/ipns/pilot.example/"), "/ipns/pilot.example/");
  });

  it("is undefined for a page at a domain root", () => {
    assert.equal(pathGatewayPrefix("/index.html"), undefined);
    assert.equal(pathGatewayPrefix("/ipfs-notes/index.html"), undefined);
  });
});

describe("delegated abilities", () => {
  it("an ability covers itself, and a wildcard covers its namespace", () => {
    assert.ok(covers("upload/add", "upload/add"));
    assert.ok(covers("upload/*", "upload/add"));
    assert.ok(covers("space/*", "space/blob/add"));
    assert.ok(covers("*", "filecoin/offer"));
  });

  it("nothing else is covered", () => {
    assert.ok(!covers("upload/add", "upload/get"));
    assert.ok(!covers("upload/*", "uploads/add"));
    assert.ok(!covers("space/blob/*", "space/index/add"));
  });
});
