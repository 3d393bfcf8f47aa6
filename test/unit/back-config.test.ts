/**
 * The back page's config (site/lib/back/config.ts): built from the manifest at build time, read
 * back from `data-config` in the browser, and the wallet parameters made from it
 * (site/lib/back/add-chain.ts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "vitest";
import { addChainParams, hexChainId, switchChainParams } from "../../site/lib/back/add-chain.ts";
import {
  backConfig,
  explorerLink,
  parseBackConfig,
  pendingKey,
  type BackConfig,
} from "../../site/lib/back/config.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";

const manifest = parseManifestJson(readFileSync("test/fixtures/campaign.json", "utf8"));
const config = backConfig(manifest);

function withChain(chain: Partial<BackConfig["chain"]>): BackConfig {
  return { ...config, chain: { ...config.chain, ...chain } };
}

describe("backConfig", () => {
  it("carries the manifest's chain, with the default gas currency, and escrow", () => {
    assert.deepEqual(config.chain, {
      id: 31337,
      name: "Hardhat (local)",
      rpcUrls: ["http://127.0.0.1:8545"],
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    });
    assert.deepEqual(config.escrow, {
      address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      deployBlock: 2,
      beneficiary: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      goalBackers: 250_000,
      minPledge: "9950000",
      deadline: 1_809_100_800,
      token: {
        address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        name: "Test USD",
        symbol: "tUSD",
        decimals: 6,
      },
    });
  });

  it("drops a trailing slash from the explorer URL", () => {
    const withExplorer = backConfig({
      ...manifest,
      chain: { ...manifest.chain, explorerUrl: "https://explorer.example/" },
    });
    assert.equal(withExplorer.chain.explorerUrl, "https://explorer.example");
  });
});

describe("parseBackConfig", () => {
  it("reads back what the build wrote", () => {
    assert.deepEqual(parseBackConfig(JSON.stringify(config)), config);
  });

  it("refuses text that is not JSON", () => {
    assert.throws(() => parseBackConfig("{"), /not JSON/);
    assert.throws(() => parseBackConfig(undefined), /not JSON/);
  });

  it("names the first missing or invalid field", () => {
    const broken = {
      ...config,
      escrow: { ...config.escrow, token: { ...config.escrow.token, decimals: "6" } },
    };
    assert.throws(() => parseBackConfig(JSON.stringify(broken)), /escrow\.token is missing or invalid/);
    const noRpc = { ...config, chain: { ...config.chain, rpcUrls: [] } };
    assert.throws(() => parseBackConfig(JSON.stringify(noRpc)), /chain\.rpcUrls/);
  });

  it("refuses a minimum pledge that is not a positive whole number in a string", () => {
    for (const minPledge of ["0", "9.95", "-1", 9950000]) {
      const broken = { ...config, escrow: { ...config.escrow, minPledge } };
      assert.throws(() => parseBackConfig(JSON.stringify(broken)), /escrow\.minPledge/, String(minPledge));
    }
  });

  it("refuses an escrow address that is not 0x and 40 hex digits", () => {
    const broken = { ...config, escrow: { ...config.escrow, address: "0x1234" } };
    assert.throws(() => parseBackConfig(JSON.stringify(broken)), /escrow\.address/);
  });
});

describe("explorerLink and pendingKey", () => {
  it("links a transaction on the explorer when the manifest names one", () => {
    assert.equal(
      explorerLink(withChain({ explorerUrl: "https://explorer.example" }), "tx", "0xabc"),
      "https://explorer.example/tx/0xabc",
    );
  });

  it("gives no link without an explorer", () => {
    assert.equal(explorerLink(config, "tx", "0xabc"), undefined);
  });

  it("keys the pending transaction by the escrow address", () => {
    assert.equal(pendingKey(config), "peerpilot:pending:0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512");
  });
});

describe("wallet chain parameters", () => {
  it("writes chain ids as hex without leading zeros", () => {
    assert.equal(hexChainId(31337), "0x7a69");
    assert.equal(hexChainId(1), "0x1");
    assert.equal(hexChainId(8453), "0x2105");
  });

  it("switches by chain id (EIP-3326)", () => {
    assert.deepEqual(switchChainParams(config.chain), [{ chainId: "0x7a69" }]);
  });

  it("adds the chain with its name, gas currency and RPCs (EIP-3085)", () => {
    assert.deepEqual(addChainParams(config.chain), [
      {
        chainId: "0x7a69",
        chainName: "Hardhat (local)",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: ["http://127.0.0.1:8545"],
      },
    ]);
  });

  it("adds the explorer when the manifest has one", () => {
    const chain = withChain({
      id: 100,
      name: "Gnosis",
      explorerUrl: "https://gnosisscan.io",
      nativeCurrency: { name: "xDAI", symbol: "XDAI", decimals: 18 },
      rpcUrls: ["https://rpc.gnosischain.com"],
    }).chain;
    assert.deepEqual(addChainParams(chain)[0], {
      chainId: "0x64",
      chainName: "Gnosis",
      nativeCurrency: { name: "xDAI", symbol: "XDAI", decimals: 18 },
      rpcUrls: ["https://rpc.gnosischain.com"],
      blockExplorerUrls: ["https://gnosisscan.io"],
    });
  });
});
