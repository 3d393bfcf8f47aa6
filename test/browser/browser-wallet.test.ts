/**
 * The dev wallet for Chromium (scripts/lib/browser-wallet.ts), driven from a blank page through
 * the raw EIP-1193 API as a site would drive it, against a real Hardhat chain over JSON-RPC on
 * 127.0.0.1: discovery, accounts, a mined transaction, typed data, and the scripted refusals.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "vitest";
import { JsonRpcProvider, parseEther, verifyTypedData } from "ethers";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  installBrowserWallet,
  type BrowserWallet,
  type BrowserWalletOptions,
} from "../../scripts/lib/browser-wallet.ts";
import { devAccount } from "../../scripts/lib/dev-accounts.ts";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { startStaticServer, type StaticServer } from "../../scripts/lib/static-server.ts";
import { launchChromium } from "../helpers/browser.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import { PERMIT_TYPES } from "../../site/lib/permit.ts";
import { waitFor } from "../helpers/wait.ts";

const ICON = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'/%3E";
/** A chain id no wallet here knows. */
const UNKNOWN_CHAIN = "0x2a";

/** An EIP-6963 announcement's detail, as far as the tests that listen to the provider's events read it. */
interface AnnouncedWithEvents {
  provider: { on(event: string, listener: (value: unknown) => void): void };
}

/** What a page sees of a rejected request. */
interface PageError {
  code: unknown;
  message: unknown;
}

describe.skipIf(missing(CHROMIUM))("the dev browser wallet (Chromium, Hardhat JSON-RPC on loopback)", () => {
  let dir: string;
  let chain: LocalChain;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let snapshot: string;
  const backer = devAccount(3);
  const other = devAccount(4);

  function options(overrides: Partial<BrowserWalletOptions> = {}): BrowserWalletOptions {
    return {
      rpcUrl: chain.url,
      privateKey: backer.privateKey,
      info: { name: "Test Wallet", rdns: "org.peerpilot.testwallet", icon: ICON },
      announce: { eip6963: true, windowEthereum: false },
      ...overrides,
    };
  }

  /** Installs `wallet` in a fresh context and opens the blank page. */
  async function open(...wallets: BrowserWalletOptions[]): Promise<BrowserWallet[]> {
    context = await browser.newContext();
    const installed: BrowserWallet[] = [];
    for (const wallet of wallets) installed.push(await installBrowserWallet(context, wallet));
    page = await context.newPage();
    await page.goto(`${server.url}/`);
    return installed;
  }

  /**
   * Runs `method` on the first announced provider (or window.ethereum) in the page; resolves to its result or
   * its error's { code, message }.
   */
  function request(
    method: string,
    params: unknown[] = [],
    rdns?: string,
  ): Promise<{ result?: unknown; error?: PageError }> {
    return page.evaluate(
      async ({ method, params, rdns }) => {
        const found: { info: { rdns: string }; provider: { request(args: unknown): Promise<unknown> } }[] =
          [];
        const listen = (event: Event) => found.push((event as CustomEvent<(typeof found)[number]>).detail);
        window.addEventListener("eip6963:announceProvider", listen);
        window.dispatchEvent(new Event("eip6963:requestProvider"));
        window.removeEventListener("eip6963:announceProvider", listen);
        const provider =
          found.find((detail) => rdns === undefined || detail.info.rdns === rdns)?.provider ??
          (window as unknown as { ethereum: { request(args: unknown): Promise<unknown> } }).ethereum;
        try {
          return { result: await provider.request({ method, params }) };
        } catch (error) {
          const { code, message } = error as { code: unknown; message: unknown };
          return { error: { code, message } };
        }
      },
      { method, params, rdns },
    );
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-wallet-"));
    chain = await startLocalChain(0, join(dir, "deployments"));
    await writeFile(join(dir, "index.html"), "<!doctype html><title>blank</title>");
    server = await startStaticServer(dir, 0);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await chain?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    snapshot = (await chain.connection.provider.request({ method: "evm_snapshot" })) as string;
  });

  afterEach(async () => {
    await context?.close();
    await chain.connection.provider.request({ method: "evm_revert", params: [snapshot] });
  });

  it("announces two installed wallets through EIP-6963, each with its frozen info, again on every request", async () => {
    await open(
      options(),
      options({
        info: { name: "Second Wallet", rdns: "org.peerpilot.second", icon: ICON },
        privateKey: other.privateKey,
      }),
    );
    const seen = await page.evaluate(() => {
      const details: {
        info: { name: string; rdns: string; uuid: string; icon: string };
        provider: unknown;
      }[] = [];
      window.addEventListener("eip6963:announceProvider", (event) =>
        details.push((event as CustomEvent<(typeof details)[number]>).detail),
      );
      window.dispatchEvent(new Event("eip6963:requestProvider"));
      window.dispatchEvent(new Event("eip6963:requestProvider"));
      return {
        names: details.map((detail) => detail.info.name),
        uuids: new Set(details.map((detail) => detail.info.uuid)).size,
        frozen: details.every((detail) => Object.isFrozen(detail) && Object.isFrozen(detail.info)),
        icon: details[0]?.info.icon,
        ethereum: "ethereum" in window,
      };
    });
    assert.deepEqual(seen.names, ["Test Wallet", "Second Wallet", "Test Wallet", "Second Wallet"]);
    assert.equal(seen.uuids, 2);
    assert.ok(seen.frozen);
    assert.equal(seen.icon, ICON);
    assert.equal(seen.ethereum, false, "announce.windowEthereum is off");
  });

  it("sets window.ethereum when asked to, and answers eth_chainId with the chain's id", async () => {
    await open(options({ announce: { eip6963: false, windowEthereum: true } }));
    assert.deepEqual(await request("eth_chainId"), { result: "0x7a69" });
  });

  it("shows no account before eth_requestAccounts, then the backer's, and emits accountsChanged", async () => {
    const [wallet] = await open(options());
    assert.deepEqual(await request("eth_accounts"), { result: [] });
    await page.evaluate(() => {
      const target = window as unknown as { changed: unknown[] };
      target.changed = [];
      window.addEventListener(
        "eip6963:announceProvider",
        (event) =>
          (event as CustomEvent<AnnouncedWithEvents>).detail.provider.on(
            "accountsChanged",
            (accounts: unknown) => target.changed.push(accounts),
          ),
        { once: true },
      );
      window.dispatchEvent(new Event("eip6963:requestProvider"));
    });
    assert.deepEqual(await request("eth_requestAccounts"), { result: [backer.address] });
    assert.deepEqual(await request("eth_accounts"), { result: [backer.address] });
    await page.waitForFunction(() => (window as unknown as { changed: unknown[] }).changed.length === 1);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { changed: unknown[] }).changed), [
      [backer.address],
    ]);
    assert.deepEqual(wallet.requests, ["eth_accounts", "eth_requestAccounts", "eth_accounts"]);
  });

  it("refuses to send before the page was granted the account (4100)", async () => {
    await open(options());
    const answer = await request("eth_sendTransaction", [
      { from: backer.address, to: other.address, value: "0x1" },
    ]);
    assert.equal(answer.error?.code, 4100);
  });

  it("signs and sends eth_sendTransaction through the chain's RPC; the transaction is mined", async () => {
    await open(options());
    await request("eth_requestAccounts");
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const before = await provider.getBalance(other.address);
    const sent = await request("eth_sendTransaction", [
      { from: backer.address, to: other.address, value: `0x${parseEther("1.5").toString(16)}` },
    ]);
    assert.match(String(sent.result), /^0x[0-9a-f]{64}$/);
    const receipt = await provider.waitForTransaction(String(sent.result));
    assert.equal(receipt?.status, 1);
    assert.equal(receipt?.from, backer.address);
    assert.equal((await provider.getBalance(other.address)) - before, parseEther("1.5"));
    const read = await request("eth_getTransactionReceipt", [sent.result]);
    assert.equal((read.result as { status: string }).status, "0x1", "reads pass through to the chain");
    provider.destroy();
  });

  it("gives two quick transactions two nonces", async () => {
    await open(options());
    await request("eth_requestAccounts");
    const hashes = await page.evaluate(
      async ({ from, to }) => {
        const ethereum = await new Promise<{ request(args: unknown): Promise<string> }>((found) => {
          window.addEventListener(
            "eip6963:announceProvider",
            (event) =>
              found(
                (event as CustomEvent<{ provider: { request(args: unknown): Promise<string> } }>).detail
                  .provider,
              ),
            { once: true },
          );
          window.dispatchEvent(new Event("eip6963:requestProvider"));
        });
        return Promise.all(
          [1, 2].map((value) =>
            ethereum.request({
              method: "eth_sendTransaction",
              params: [{ from, to, value: `0x${value.toString(16)}` }],
            }),
          ),
        );
      },
      { from: backer.address, to: other.address },
    );
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const nonces = await Promise.all(
      hashes.map(async (hash) => (await provider.getTransaction(hash))?.nonce),
    );
    assert.equal(new Set(nonces).size, 2, `nonces ${nonces.join(", ")}`);
    provider.destroy();
  });

  it("passes a JSON-RPC error from the chain to the page with the node's code", async () => {
    await open(options());
    const answer = await request("eth_call", [{ to: other.address, data: "0x" }, "not-a-block"]);
    assert.equal(typeof answer.error?.code, "number");
    assert.notEqual(answer.error?.code, 4001);
  });

  it("signs eth_signTypedData_v4 (EIP712Domain among the types) with the backer's key", async () => {
    await open(options());
    await request("eth_requestAccounts");
    const domain = {
      name: "Test USD",
      version: "1",
      chainId: chain.chainId,
      verifyingContract: other.address,
    };
    const types = {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
        { name: "verifyingContract", type: "address" },
      ],
      Permit: PERMIT_TYPES.Permit.map((field) => ({ ...field })),
    };
    const message = {
      owner: backer.address,
      spender: other.address,
      value: "9950000",
      nonce: "0",
      deadline: "1900000000",
    };
    const typed = JSON.stringify({ types, primaryType: "Permit", domain, message });
    const signed = await request("eth_signTypedData_v4", [backer.address, typed]);
    const { EIP712Domain: _, ...permitTypes } = types;
    assert.equal(verifyTypedData(domain, permitTypes, message, String(signed.result)), backer.address);
    const wrongAccount = await request("eth_signTypedData_v4", [other.address, typed]);
    assert.equal(wrongAccount.error?.code, 4100, "only its own account");
  });

  it("answers 4001 for the methods the user rejects, visible in the page", async () => {
    const [wallet] = await open(options());
    wallet.setBehaviour({ reject: (method) => method === "eth_requestAccounts" });
    const answer = await request("eth_requestAccounts");
    assert.equal(answer.error?.code, 4001);
    assert.deepEqual(await request("eth_accounts"), { result: [] }, "still not connected");
  });

  it("answers eth_signTypedData_v4 with 4200 when told to refuse typed data", async () => {
    const [wallet] = await open(options());
    await request("eth_requestAccounts");
    wallet.setBehaviour({ refuseTypedData: true });
    const answer = await request("eth_signTypedData_v4", [backer.address, "{}"]);
    assert.equal(answer.error?.code, 4200);
  });

  it("holds a request until released, then answers it", async () => {
    const [wallet] = await open(options());
    wallet.setBehaviour({ hold: (method) => method === "eth_requestAccounts" });
    const pending = request("eth_requestAccounts");
    await waitHeld(wallet, "eth_requestAccounts");
    wallet.releaseHeld();
    assert.deepEqual(await pending, { result: [backer.address] });
  });

  it("answers a held request with 4001 on rejectHeld", async () => {
    const [wallet] = await open(options());
    await request("eth_requestAccounts");
    wallet.setBehaviour({ hold: (method) => method === "personal_sign" });
    const pending = request("personal_sign", ["0x68656c6c6f", backer.address]);
    await waitHeld(wallet, "personal_sign");
    wallet.rejectHeld();
    assert.equal((await pending).error?.code, 4001);
  });

  it("answers 4902 to a switch to a chain it does not know", async () => {
    await open(options());
    const answer = await request("wallet_switchEthereumChain", [{ chainId: UNKNOWN_CHAIN }]);
    assert.equal(answer.error?.code, 4902);
  });

  it("refuses wallet_addEthereumChain with bad parameters or an RPC of another chain (-32602)", async () => {
    await open(options({ knownChains: { 1: "http://127.0.0.1:9/" }, chainId: 1 }));
    const good = {
      chainId: "0x7a69",
      chainName: "Local",
      rpcUrls: [chain.url],
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    };
    for (const bad of [
      { ...good, chainId: "31337" },
      { ...good, chainId: "0x07a69" },
      { ...good, rpcUrls: [] },
      { ...good, nativeCurrency: { name: "Ether", symbol: "E", decimals: 18 } },
      { ...good, chainId: UNKNOWN_CHAIN },
    ]) {
      assert.equal(
        (await request("wallet_addEthereumChain", [bad])).error?.code,
        -32602,
        JSON.stringify(bad),
      );
    }
    assert.equal(
      (await request("wallet_switchEthereumChain", [{ chainId: "0x7a69" }])).error?.code,
      4902,
      "nothing was added",
    );
  });

  it("adds a chain, then switches to it and emits chainChanged in the page", async () => {
    const [wallet] = await open(options({ knownChains: { 1: "http://127.0.0.1:9/" }, chainId: 1 }));
    assert.deepEqual(await request("eth_chainId"), { result: "0x1" });
    await page.evaluate(() => {
      const target = window as unknown as { chains: unknown[] };
      target.chains = [];
      window.addEventListener(
        "eip6963:announceProvider",
        (event) =>
          (event as CustomEvent<AnnouncedWithEvents>).detail.provider.on("chainChanged", (id: unknown) =>
            target.chains.push(id),
          ),
        { once: true },
      );
      window.dispatchEvent(new Event("eip6963:requestProvider"));
    });
    const added = await request("wallet_addEthereumChain", [
      {
        chainId: "0x7a69",
        chainName: "Local",
        rpcUrls: [chain.url],
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      },
    ]);
    assert.deepEqual(added, { result: null });
    assert.deepEqual(await request("wallet_switchEthereumChain", [{ chainId: "0x7a69" }]), { result: null });
    await page.waitForFunction(() => (window as unknown as { chains: unknown[] }).chains.length === 1);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { chains: unknown[] }).chains), [
      "0x7a69",
    ]);
    assert.deepEqual(await request("eth_chainId"), { result: "0x7a69" });
    assert.equal(wallet.chainId, 31337);
    const block = await request("eth_blockNumber");
    assert.match(String(block.result), /^0x[0-9a-f]+$/, "reads go to the added chain's RPC");
  });

  it("moves to another account on setAccount and tells the connected page", async () => {
    const [wallet] = await open(options());
    await request("eth_requestAccounts");
    await wallet.setAccount(other.privateKey);
    assert.equal(wallet.address, other.address);
    assert.deepEqual(await request("eth_accounts"), { result: [other.address] });
  });
});

/** Waits until `wallet` holds a request for `method`. */
async function waitHeld(wallet: BrowserWallet, method: string): Promise<void> {
  await waitFor(() => wallet.held.includes(method), { what: `the wallet to hold ${method}` });
}
