/**
 * back.html finding and connecting wallets, in a real Chromium against a real Hardhat chain on
 * 127.0.0.1, with the dev wallet (scripts/lib/browser-wallet.ts) in the page: no wallet, one
 * injected, two announced, a wallet on the wrong chain, one that must add the campaign's chain.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { devAccount } from "../../scripts/lib/dev-accounts.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import {
  ACCOUNTS,
  assertAccessible,
  BackPage,
  OTHER_WALLET,
  useBackSuite,
  waitText,
  walletFor,
} from "./back-campaign.ts";

/** A chain the wallet starts on that is not the campaign's; its RPC (the discard port) never answers. */
const OTHER_CHAIN = { 1: "http://127.0.0.1:9/" };

describe.skipIf(missing(CHROMIUM))("back.html: wallets (Chromium, Hardhat JSON-RPC on loopback)", () => {
  const suite = useBackSuite(["main"]);

  async function open(...wallets: Parameters<typeof walletFor>[2][]) {
    const opened = await suite.open(
      suite.world.campaign("main").backUrl,
      wallets.map((overrides) => walletFor(suite.world, ACCOUNTS.backer, overrides)),
    );
    return { ...opened, back: new BackPage(opened.page) };
  }

  it("explains what a wallet is when the browser has none, and shows the escrow address to pledge from any wallet", async () => {
    const { page } = await open();
    const region = page.getByRole("region", { name: "No wallet found" });
    await region.waitFor();
    const text = await region.innerText();
    assert.match(text, /MetaMask/);
    assert.ok(text.includes(suite.world.campaign("main").escrow), "the escrow address is shown");
    assert.equal(await page.getByRole("group", { name: "Wallets in this browser" }).isVisible(), false);
    await assertAccessible(page, "back.html with no wallet");
  });

  it("offers an injected window.ethereum as “Connect browser wallet” when no wallet announces itself", async () => {
    const { back, wallets } = await open({ announce: { eip6963: false, windowEthereum: true } });
    await back.button("Connect browser wallet").waitFor();
    assert.deepEqual(wallets[0].requests, [], "nothing asked of the wallet before a click");
  });

  it("offers both of two announced wallets, and asks neither anything before a click", async () => {
    const { back, wallets, page } = await open(
      {},
      { info: OTHER_WALLET, privateKey: devAccount(ACCOUNTS.second).privateKey },
    );
    await back.walletButton("Test Wallet").waitFor();
    await back.walletButton("Other Wallet").waitFor();
    assert.equal(await back.wallets.getByRole("button").count(), 2);
    for (const wallet of wallets) assert.deepEqual(wallet.requests, []);
    await assertAccessible(page, "back.html with two wallets offered");
  });

  it("connects to the wallet pressed, the other one untouched, and shows the balances", async () => {
    const { back, wallets, page } = await open(
      {},
      { info: OTHER_WALLET, privateKey: devAccount(ACCOUNTS.second).privateKey },
    );
    await back.connect("Other Wallet");
    assert.equal(wallets[0].requests.length, 0, "Test Wallet was not asked");
    assert.equal(wallets[1].requests[0], "eth_requestAccounts");
    const address = devAccount(ACCOUNTS.second).address;
    await page
      .getByText(`Connected to Other Wallet as ${address.slice(0, 6)}…${address.slice(-4)}`)
      .waitFor();
    await waitText(back.fact("Your tUSD balance"), /1,000(\.0+)? tUSD/);
    await waitText(back.fact("Your ETH balance (for gas)"), /ETH/);
    await waitText(back.fact("Your pledge"), /^(0|None|No pledge|0 tUSD)/i);
    await assertAccessible(page, "back.html connected");
  });

  it("says a wallet on another chain is on the wrong chain and switches it to the campaign's", async () => {
    const { back, wallets, page } = await open({
      knownChains: { ...OTHER_CHAIN, 31337: suite.world.chain.url },
      chainId: 1,
    });
    await back.walletButton("Test Wallet").click();
    const name = suite.world.campaign("main").manifest.chain.name;
    await page.getByText(`Your wallet is on chain 1; this campaign is on ${name} (chain 31337).`).waitFor();
    await assertAccessible(page, "back.html on the wrong chain");
    await back.button(`Switch to ${name}`).click();
    await waitText(back.fact("Your tUSD balance"), /1,000(\.0+)? tUSD/);
    assert.equal(wallets[0].chainId, 31337);
    assert.ok(wallets[0].requests.includes("wallet_switchEthereumChain"));
    assert.ok(!wallets[0].requests.includes("wallet_addEthereumChain"), "a known chain is not added again");
  });

  it("adds the campaign's chain to a wallet that does not know it (4902), then switches to it", async () => {
    const { back, wallets } = await open({ knownChains: OTHER_CHAIN, chainId: 1 });
    await back.walletButton("Test Wallet").click();
    const name = suite.world.campaign("main").manifest.chain.name;
    await back.button(`Switch to ${name}`).click();
    await waitText(back.fact("Your tUSD balance"), /1,000(\.0+)? tUSD/);
    const chainRequests = wallets[0].requests.filter((method) => method.startsWith("wallet_"));
    assert.deepEqual(chainRequests.slice(0, 2), ["wallet_switchEthereumChain", "wallet_addEthereumChain"]);
    assert.equal(wallets[0].chainId, 31337);
  });

  it("has no accessibility violation on the watch page", async () => {
    const opened = await suite.open(suite.world.campaign("main").watchUrl, []);
    await opened.page.getByRole("progressbar").first().waitFor();
    await assertAccessible(opened.page, "the watch page");
  });
});
