/**
 * back.html pledging, in a real Chromium against a real Hardhat chain on 127.0.0.1 with the dev
 * wallet in the page: one-signature pledges (EIP-2612), approve-then-pledge (a wallet without
 * typed data; a token without permit), top-ups, every problem caught before anything is signed,
 * a declined signature, and a pending pledge that survives a reload. Each test starts from the
 * same chain (evm_snapshot / evm_revert).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { BrowserWalletOptions } from "../../scripts/lib/browser-wallet.ts";
import { devAccount } from "../../scripts/lib/dev-accounts.ts";
import { REFERENCE_MIN_PLEDGE, REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import {
  ACCOUNTS,
  assertAccessible,
  BackPage,
  FUNDING,
  units,
  signingRequests,
  waitForProgress,
  waitText,
  walletFor,
  type CampaignKey,
  useBackSuite,
} from "./back-campaign.ts";

describe.skipIf(missing(CHROMIUM))("back.html: pledging (Chromium, Hardhat JSON-RPC on loopback)", () => {
  const suite = useBackSuite(["main", "plain"]);

  /** Opens `key`'s back page with the backer's wallet (with `overrides`) and connects. */
  async function connected(
    key: CampaignKey = "main",
    account: number = ACCOUNTS.backer,
    overrides: Partial<BrowserWalletOptions> = {},
  ) {
    const opened = await suite.open(suite.world.campaign(key).backUrl, [
      walletFor(suite.world, account, overrides),
    ]);
    const back = new BackPage(opened.page);
    await back.connect();
    await waitText(back.fact(`Your ${suite.world.campaign(key).symbol} balance`), /\d/);
    return { ...opened, back, wallet: opened.wallets[0] };
  }

  it("pledges the minimum with one permit signature; the chain, the page and the watch page agree", async () => {
    const { back, wallet, page } = await connected();
    assert.equal(
      await back.amount.inputValue(),
      REFERENCE_MIN_PLEDGE,
      "a first pledge starts at the minimum",
    );
    assert.ok(await page.getByRole("radio", { name: "One signature (permit)" }).isChecked());
    await back.button("Pledge").click();
    const steps = await back.waitForOutcome();
    assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
    assert.ok(
      steps.some((step) => step.startsWith("Waiting for your signature in Test Wallet…")),
      steps.join("\n"),
    );
    assert.ok(
      steps.some((step) => /^Sent: 0x[0-9a-f]{64}/.test(step)),
      steps.join("\n"),
    );
    assert.deepEqual(signingRequests(wallet), ["eth_signTypedData_v4", "eth_sendTransaction"]);

    const onChain = await suite.world.read("main", wallet.address);
    assert.equal(onChain.pledgeOf, REFERENCE_MIN_PLEDGE_UNITS);
    assert.equal(onChain.backers, 1n);
    await waitText(back.fact("Your pledge"), /^9\.95 tUSD$/);
    await waitForProgress(page, 1);
    await assertAccessible(page, "back.html after a confirmed pledge");

    const watch = await suite.context.newPage();
    await watch.goto(suite.world.campaign("main").watchUrl);
    await waitForProgress(watch, 1);
    await assertAccessible(watch, "the watch page after a pledge");
  });

  it("pledges in two transactions (approve, then pledge) with a wallet that cannot sign typed data", async () => {
    const { back, wallet } = await connected();
    wallet.setBehaviour({ refuseTypedData: true });
    await back.button("Pledge").click();
    const steps = await back.waitForOutcome(2);
    assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
    assert.deepEqual(signingRequests(wallet), [
      "eth_signTypedData_v4",
      "eth_sendTransaction",
      "eth_sendTransaction",
    ]);
    assert.equal((await suite.world.read("main", wallet.address)).pledgeOf, REFERENCE_MIN_PLEDGE_UNITS);
  });

  it("pledges in two transactions with a token without permit, without asking for a signature", async () => {
    const { back, wallet, page } = await connected("plain");
    assert.ok(await page.getByRole("radio", { name: "Approve, then pledge (two transactions)" }).isChecked());
    await back.button("Pledge").click();
    const steps = await back.waitForOutcome(2);
    assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
    assert.deepEqual(signingRequests(wallet), ["eth_sendTransaction", "eth_sendTransaction"]);
    const onChain = await suite.world.read("plain", wallet.address);
    assert.equal(onChain.pledgeOf, REFERENCE_MIN_PLEDGE_UNITS);
    assert.equal(onChain.backers, 1n);
    await assertAccessible(page, "back.html (token without permit) after a pledge");
  });

  it("tops up an existing pledge by any amount, without a new backer", async () => {
    await suite.world.pledgeFrom("main", ACCOUNTS.backer);
    const { back, wallet } = await connected();
    await back.button("Top up").waitFor();
    await back.amount.fill("5");
    await back.button("Top up").click();
    const steps = await back.waitForOutcome();
    assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
    const onChain = await suite.world.read("main", wallet.address);
    assert.equal(onChain.pledgeOf, units("14.95"));
    assert.equal(onChain.backers, 1n);
    await waitText(back.fact("Your pledge"), /^14\.95 tUSD$/);
  });

  it("refuses a first pledge below the minimum before anything is signed", async () => {
    const { back, wallet } = await connected();
    await back.amount.fill("5");
    const problems = await back.waitForPledgeProblems();
    assert.ok(
      problems.some((problem) => problem.includes(REFERENCE_MIN_PLEDGE)),
      problems.join("\n"),
    );
    assert.ok(await back.button("Pledge").isDisabled());
    assert.deepEqual(signingRequests(wallet), []);
  });

  it("refuses a pledge above the token balance before anything is signed", async () => {
    const { back, wallet, page } = await connected();
    await back.amount.fill("1000.01");
    const problems = await back.waitForPledgeProblems();
    assert.ok(
      problems.some((problem) => problem.includes("1,000") || problem.includes("1000")),
      problems.join("\n"),
    );
    assert.ok(await back.button("Pledge").isDisabled());
    assert.deepEqual(signingRequests(wallet), []);
    await assertAccessible(page, "back.html with a problem under the amount");
  });

  it("refuses a pledge from an account with tokens but no gas money, before anything is signed", async () => {
    await suite.world.setGasBalance(devAccount(ACCOUNTS.broke).address, 0n);
    const { back, wallet } = await connected("main", ACCOUNTS.broke);
    const problems = await back.waitForPledgeProblems();
    assert.ok(
      problems.some((problem) => problem.includes("ETH")),
      problems.join("\n"),
    );
    assert.ok(await back.button("Pledge").isDisabled());
    assert.deepEqual(signingRequests(wallet), []);
  });

  it("says the user declined when the signature is rejected, and nothing changes on the chain", async () => {
    const { back, wallet } = await connected();
    wallet.setBehaviour({ reject: (method) => method === "eth_signTypedData_v4" });
    await back.button("Pledge").click();
    const steps = await back.waitForOutcome();
    assert.equal(steps.at(-1), "You declined in your wallet; nothing was sent.");
    assert.deepEqual(signingRequests(wallet), ["eth_signTypedData_v4"]);
    const onChain = await suite.world.read("main", wallet.address);
    assert.equal(onChain.backers, 0n);
    assert.equal(await suite.world.tokenBalance("main", wallet.address), FUNDING);
  });

  it("keeps following a sent pledge across a reload and reports it confirmed once mined", async () => {
    const { back, page } = await connected();
    await suite.world.rpc("evm_setAutomine", [false]);
    await back.button("Pledge").click();
    await waitText(back.status, /Sent: 0x[0-9a-f]{64}/);
    await page.reload();
    await suite.world.rpc("evm_mine");
    const reloaded = new BackPage(page);
    await waitText(reloaded.status, /Confirmed in block \d+\./, 30_000);
    assert.equal((await suite.world.read("main", devAccount(ACCOUNTS.backer).address)).backers, 1n);
  });
});
