/** What `npm start` prints once the local campaign runs (scripts/lib/start-command.ts). */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { DEV_FUNDING } from "../../scripts/lib/local-stack.ts";
import { localStackSummary } from "../../scripts/lib/start-command.ts";

const backer = devAccount(DEV_ROLES.backer);
const STACK: Parameters<typeof localStackSummary>[0] = {
  siteUrl: "http://127.0.0.1:4321/",
  chain: {
    url: "http://127.0.0.1:8545",
    chainId: 31337,
    name: "Local Hardhat chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  },
  escrow: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  deadline: 1_803_859_200n,
  tracker: { wsAnnounce: "ws://127.0.0.1:8000", httpAnnounce: "http://127.0.0.1:8000/announce" },
  webSeeds: ["http://127.0.0.1:8001/sample-pilot.mp4", "http://127.0.0.1:8080/ipfs/bafy/sample-pilot.mp4"],
  gateways: ["http://127.0.0.1:8080", "http://127.0.0.1:8081"],
  pilot: {
    name: "sample-pilot.mp4",
    infoHash: "c".repeat(40),
    magnet: `magnet:?xt=urn:btih:${"c".repeat(40)}`,
    torrentPort: 6881,
    ipfsCid: "bafypilot",
  },
  siteOnIpfs: "http://127.0.0.1:8080/ipfs/bafysite/",
  manifestFile: "/tmp/local/campaign.json",
  backer,
};

/** The value on the summary line labelled `label`. */
function line(text: string, label: string): string | undefined {
  return new RegExp(`^\\s+${label}\\s+(.+)$`, "m").exec(text)?.[1];
}

describe("localStackSummary", () => {
  const text = localStackSummary(STACK);

  it("names the site, the chain with its id, and the contracts", () => {
    assert.equal(line(text, "site"), "http://127.0.0.1:4321/");
    assert.equal(line(text, "chain \\(RPC\\)"), "http://127.0.0.1:8545  (chain id 31337)");
    assert.equal(line(text, "escrow"), STACK.escrow);
    assert.equal(line(text, "token \\(tUSD\\)"), STACK.token);
  });

  it("gives the deadline as an ISO date", () => {
    assert.equal(line(text, "deadline"), "2027-03-01T00:00:00.000Z");
  });

  it("names the tracker for browsers and for desktop clients, and the local web seed first", () => {
    assert.equal(
      line(text, "tracker"),
      "ws://127.0.0.1:8000  (desktop clients: http://127.0.0.1:8000/announce)",
    );
    assert.equal(line(text, "web seed"), STACK.webSeeds[0]);
  });

  it("gives the network a wallet needs to add", () => {
    assert.equal(line(text, "network"), "Local Hardhat chain");
    assert.equal(line(text, "RPC URL"), "http://127.0.0.1:8545");
    assert.equal(line(text, "chain id"), "31337");
    assert.equal(line(text, "currency"), "ETH");
  });

  it("gives the dev backer's key, says it is a public test key, and what it holds", () => {
    assert.equal(line(text, "private key"), backer.privateKey);
    assert.match(text, /a public test key: never send real funds to it/);
    assert.equal(line(text, "holds"), `${DEV_FUNDING} tUSD and 10,000 test ETH`);
  });

  it("ends by saying how to stop", () => {
    assert.match(text, /Press Ctrl-C to stop\.\n$/);
  });
});
