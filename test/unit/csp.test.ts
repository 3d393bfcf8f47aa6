/**
 * The Content-Security-Policy derived from the manifest (site/lib/csp.ts): what each page may
 * connect to, play and show. (The built pages under it, in Chromium: test/browser/csp.test.ts.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "vitest";
import { cspDirectives, CspSourceError, gatewaySource } from "../../site/lib/csp.ts";
import { parseManifest, type Manifest, type ManifestInput } from "../../site/lib/manifest.ts";

const FIXTURE = JSON.parse(readFileSync("test/fixtures/campaign.json", "utf8")) as ManifestInput;
const CID = "bafybeihj7la6ebjpoyssit3gm5skayzbbypumqbi3lm552lrxdcst7dlue";

const TORRENT = {
  name: "sample-pilot.mp4",
  infoHash: "0".repeat(40),
  magnet: `magnet:?xt=urn:btih:${"0".repeat(40)}`,
  torrentFile: "pilot.torrent",
  length: 1_000_000,
  pieceLength: 16_384,
  trackers: [
    "wss://tracker.example/announce",
    "https://tracker.example/announce",
    "udp://tracker.example:6969",
  ],
  webSeeds: [
    "https://seed.example/pilot/sample-pilot.mp4?token=1",
    `https://w3s.link/ipfs/${CID}?filename=sample-pilot.mp4`,
  ],
};

const IPFS = {
  gateways: ["https://w3s.link", "https://{cid}.ipfs.dweb.link"],
};

function manifest(changes: Partial<ManifestInput> = {}): Manifest {
  return parseManifest({ ...FIXTURE, ...changes });
}

/** The sources of directive `name`, or undefined when the policy has no such directive. */
function sources(policy: readonly string[], name: string): string[] | undefined {
  const directive = policy.find((text) => text.split(" ")[0] === name);
  return directive?.split(" ").slice(1);
}

describe("the site's Content-Security-Policy", () => {
  it("blocks everything not named (default-src 'none')", () => {
    assert.deepEqual(sources(cspDirectives(manifest()), "default-src"), ["'none'"]);
  });

  it("lets a page connect to the site and the manifest's RPC endpoints, by origin", () => {
    const policy = cspDirectives(
      manifest({
        chain: { ...FIXTURE.chain, rpcUrls: ["https://rpc.example/v1/key", "http://127.0.0.1:8545"] },
      }),
    );
    assert.deepEqual(sources(policy, "connect-src"), [
      "'self'",
      "https://rpc.example",
      "http://127.0.0.1:8545",
    ]);
  });

  it("lets a page connect to the browser trackers (ws/wss) but not the desktop ones (http/udp)", () => {
    const connect = sources(cspDirectives(manifest({ torrent: TORRENT })), "connect-src") ?? [];
    assert.ok(connect.includes("wss://tracker.example"));
    assert.ok(!connect.includes("https://tracker.example"));
    assert.ok(!connect.some((source) => source.startsWith("udp:")));
  });

  it("lets a page fetch pieces from the web seeds and the gateways", () => {
    const connect = sources(cspDirectives(manifest({ torrent: TORRENT, ipfs: IPFS })), "connect-src") ?? [];
    for (const source of ["https://seed.example", "https://w3s.link", "https://*.ipfs.dweb.link"])
      assert.ok(connect.includes(source), source);
  });

  it("names each source once", () => {
    const connect = sources(cspDirectives(manifest({ torrent: TORRENT, ipfs: IPFS })), "connect-src") ?? [];
    assert.equal(connect.filter((source) => source === "https://w3s.link").length, 1);
  });

  it("plays media from the site, blob:, the web seeds and the gateways (the direct-play fallback)", () => {
    const policy = cspDirectives(manifest({ torrent: TORRENT, ipfs: IPFS }));
    assert.deepEqual(sources(policy, "media-src"), [
      "'self'",
      "blob:",
      "https://seed.example",
      "https://w3s.link",
      "https://*.ipfs.dweb.link",
    ]);
  });

  it("without a torrent or gateways, media comes only from the site and blob:", () => {
    assert.deepEqual(sources(cspDirectives(manifest()), "media-src"), ["'self'", "blob:"]);
  });

  it("shows images from the site and data: URIs (wallet icons)", () => {
    assert.deepEqual(sources(cspDirectives(manifest()), "img-src"), ["'self'", "data:"]);
  });

  it("runs workers only from the site (WebTorrent's service worker)", () => {
    assert.deepEqual(sources(cspDirectives(manifest()), "worker-src"), ["'self'"]);
  });

  it("allows no plugins, no foreign <base> and no form posts elsewhere", () => {
    const policy = cspDirectives(manifest());
    assert.deepEqual(sources(policy, "object-src"), ["'none'"]);
    assert.deepEqual(sources(policy, "base-uri"), ["'self'"]);
    assert.deepEqual(sources(policy, "form-action"), ["'self'"]);
  });

  it("leaves script-src and style-src to Astro, which hashes what it inlines", () => {
    const policy = cspDirectives(manifest({ torrent: TORRENT, ipfs: IPFS }));
    assert.equal(sources(policy, "script-src"), undefined);
    assert.equal(sources(policy, "style-src"), undefined);
  });

  it("sets only directives a <meta> policy honours (no frame-ancestors, report-uri or sandbox)", () => {
    const names = cspDirectives(manifest({ torrent: TORRENT, ipfs: IPFS })).map((text) => text.split(" ")[0]);
    for (const name of ["frame-ancestors", "report-uri", "report-to", "sandbox"])
      assert.ok(!names.includes(name), name);
  });

  it("refuses an RPC host it cannot write as a source (an IPv6 literal), instead of shipping a different policy", () => {
    const ipv6 = manifest({ chain: { ...FIXTURE.chain, rpcUrls: ["http://[::1]:8545"] } });
    assert.throws(
      () => cspDirectives(ipv6),
      (error: unknown) => error instanceof CspSourceError && /chain\.rpcUrls.*\[::1\]/.test(error.message),
    );
  });
});

describe("the source that covers an IPFS gateway", () => {
  it("is a path gateway's origin, without its path", () => {
    assert.equal(gatewaySource("https://example.org/gw/"), "https://example.org");
  });

  it("keeps a port", () => {
    assert.equal(gatewaySource("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  });

  it("is the wildcard host of a subdomain template", () => {
    assert.equal(gatewaySource("https://{cid}.ipfs.dweb.link"), "https://*.ipfs.dweb.link");
  });

  it("keeps the port of a subdomain template", () => {
    assert.equal(gatewaySource("http://{cid}.ipfs.localhost:8080"), "http://*.ipfs.localhost:8080");
  });

  it("is the origin when the CID sits in the template's path", () => {
    assert.equal(gatewaySource("https://gw.example/ipfs/{cid}"), "https://gw.example");
  });

  it("refuses a template whose whole host is the CID", () => {
    assert.throws(() => gatewaySource("https://{cid}"), CspSourceError);
  });
});
