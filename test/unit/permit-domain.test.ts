/**
 * readPermitDomain (site/lib/permit.ts) against mainnet USDC's answers, which no test token here
 * reproduces: USDC (FiatToken v2) has `version()` = "2" and no EIP-5267 `eip712Domain()`. The
 * answers come from an EIP-1193 object behind ethers' real BrowserProvider, as a wallet's RPC
 * would give them; OpenZeppelin tokens on a real chain: test/escrow/permit-domain.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { BrowserProvider, Contract, Interface, isError, type Eip1193Provider } from "ethers";
import { TOKEN_ABI } from "../../site/lib/back/escrow-abi.ts";
import { readPermitDomain } from "../../site/lib/permit.ts";
import { walletRejection } from "../helpers/eip1193.ts";

const USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
/** Mainnet USDC's DOMAIN_SEPARATOR(), as published on Etherscan. */
const USDC_DOMAIN_SEPARATOR = "0x06c37168a7db5138defc7866392bb87a741f9b3d104deb5094588ce041cae335";
const token = new Interface(TOKEN_ABI);

/** A chain-1 RPC answering eth_call for USDC; `answers` maps a function name to its results or "revert". */
function usdcRpc(answers: Record<string, readonly unknown[] | "revert" | "down">): BrowserProvider {
  const rpc: Eip1193Provider = {
    request({ method, params }) {
      if (method === "eth_chainId") return Promise.resolve("0x1");
      if (method !== "eth_call") return walletRejection({ code: 4200, message: `unexpected ${method}` });
      const { data } = (params as [{ data: string }])[0];
      const fn = token.getFunction(data.slice(0, 10));
      const answer = fn === null ? "revert" : (answers[fn.name] ?? "revert");
      if (answer === "revert") return walletRejection({ code: -32000, message: "execution reverted" });
      if (answer === "down") return walletRejection({ code: -32603, message: "upstream connect error" });
      return Promise.resolve(token.encodeFunctionResult(fn!, answer));
    },
  };
  return new BrowserProvider(rpc, 1, { cacheTimeout: -1 });
}

const USDC_ANSWERS = {
  DOMAIN_SEPARATOR: [USDC_DOMAIN_SEPARATOR],
  nonces: [0n],
  name: ["USD Coin"],
  version: ["2"],
} as const;

describe("readPermitDomain for USDC", () => {
  it('reads USDC\'s domain from name() and version() "2", without EIP-5267, matching its DOMAIN_SEPARATOR', async () => {
    const domain = await readPermitDomain(new Contract(USDC, TOKEN_ABI, usdcRpc(USDC_ANSWERS)), 1, USDC);
    assert.deepEqual(domain, { name: "USD Coin", version: "2", chainId: 1, verifyingContract: USDC });
  });

  it('refuses the default version "1" for USDC, since it would not match its DOMAIN_SEPARATOR', async () => {
    const { version: _version, ...withoutVersion } = USDC_ANSWERS;
    assert.equal(
      await readPermitDomain(new Contract(USDC, TOKEN_ABI, usdcRpc(withoutVersion)), 1, USDC),
      undefined,
    );
  });

  it("finds no permit when nonces() is missing", async () => {
    const { nonces: _nonces, ...withoutNonces } = USDC_ANSWERS;
    assert.equal(
      await readPermitDomain(new Contract(USDC, TOKEN_ABI, usdcRpc(withoutNonces)), 1, USDC),
      undefined,
    );
  });

  it("throws when the RPC fails rather than reporting no permit", async () => {
    const down = { ...USDC_ANSWERS, DOMAIN_SEPARATOR: "down" } as const;
    // ethers makes any failed eth_call a CALL_EXCEPTION; this one carries no revert.
    await assert.rejects(readPermitDomain(new Contract(USDC, TOKEN_ABI, usdcRpc(down)), 1, USDC), (error) =>
      isError(error, "CALL_EXCEPTION"),
    );
  });
});
