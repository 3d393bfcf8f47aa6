/**
 * back.html and a pledge the user replaced in the wallet while it was pending, in a real
 * Chromium against a real Hardhat chain on 127.0.0.1 with automine off (so the pledge waits in
 * the mempool): a speed-up (same nonce, same call, higher fee) is followed to its replacement and
 * reported confirmed, on the page that sent it and after a reload; a cancel (same nonce, a
 * 0-value transfer to oneself) is reported as cancelled in the wallet, and nothing is pledged.
 * The pledge goes the one-signature way (pledgeWithPermit): one transaction to replace.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import type { BrowserWallet } from "../../scripts/lib/browser-wallet.ts";
import { REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import { waitFor } from "../helpers/wait.ts";
import {
  ACCOUNTS,
  BackPage,
  FUNDING,
  waitForProgress,
  waitText,
  walletFor,
  useBackSuite,
} from "./back-campaign.ts";

const SENT = /Sent: (0x[0-9a-f]{64})/;

describe.skipIf(missing(CHROMIUM))(
  "back.html: a pledge replaced in the wallet (Chromium, Hardhat JSON-RPC on loopback)",
  () => {
    const suite = useBackSuite(["main"]);

    /**
     * Opens the back page with the backer's wallet, connects, turns automine off and presses
     * Pledge (the minimum, one permit signature); resolves once the page reports the pledge sent,
     * with its hash, while it waits in the mempool.
     */
    async function pledgePending(): Promise<{ back: BackPage; wallet: BrowserWallet; hash: string }> {
      const opened = await suite.open(suite.world.campaign("main").backUrl, [
        walletFor(suite.world, ACCOUNTS.backer),
      ]);
      const back = new BackPage(opened.page);
      await back.connect();
      await waitText(back.fact(`Your ${suite.world.campaign("main").symbol} balance`), /\d/);
      await suite.world.rpc("evm_setAutomine", [false]);
      await back.button("Pledge").click();
      const sent = await waitText(back.status, SENT);
      const hash = SENT.exec(sent)![1];
      return { back, wallet: opened.wallets[0], hash };
    }

    /** The block the chain mined `hash` in (fails if it was not mined). */
    async function minedIn(hash: string): Promise<number> {
      const receipt = (await suite.world.rpc("eth_getTransactionReceipt", [hash])) as {
        blockNumber: string;
        status: string;
      } | null;
      assert.ok(receipt, `${hash} was mined`);
      assert.equal(receipt.status, "0x1", `${hash} succeeded`);
      return Number(receipt.blockNumber);
    }

    it("a pledge sped up in the wallet is followed to its replacement and reported confirmed", async () => {
      const { back, wallet, hash } = await pledgePending();
      const replacement = await wallet.replacePending(hash, "speed-up");
      assert.notEqual(replacement, hash);
      await suite.world.rpc("evm_mine");

      const steps = await back.waitForOutcome();
      const block = await minedIn(replacement);
      assert.equal(steps.at(-1), `Confirmed in block ${block}.`, steps.join("\n"));
      assert.ok(
        steps.some((step) => step.includes("sped it up") && step.includes(replacement)),
        steps.join("\n"),
      );
      assert.equal(
        await suite.world.rpc("eth_getTransactionReceipt", [hash]),
        null,
        "the original was never mined",
      );
      const onChain = await suite.world.read("main", wallet.address);
      assert.equal(onChain.pledgeOf, REFERENCE_MIN_PLEDGE_UNITS);
      assert.equal(onChain.backers, 1n);
      await waitText(back.fact("Your pledge"), /^9\.95 tUSD$/);
      await waitForProgress(back.page, 1);
    });

    it("a pledge cancelled in the wallet is reported as cancelled, and nothing is pledged", async () => {
      const { back, wallet, hash } = await pledgePending();
      const replacement = await wallet.replacePending(hash, "cancel");
      await suite.world.rpc("evm_mine");

      const steps = await back.waitForOutcome();
      await minedIn(replacement);
      assert.match(steps.at(-1)!, /^Failed: It was cancelled in your wallet /, steps.join("\n"));
      assert.ok(!steps.some((step) => step.startsWith("Confirmed")), steps.join("\n"));
      const onChain = await suite.world.read("main", wallet.address);
      assert.equal(onChain.pledgeOf, 0n);
      assert.equal(onChain.backers, 0n);
      assert.equal(await suite.world.tokenBalance("main", wallet.address), FUNDING);
      await back.button("Pledge").waitFor();
      await waitFor(async () => !(await back.button("Pledge").isDisabled()), {
        what: "the Pledge button enabled again",
      });
    });

    it("a pledge sped up in the wallet after a reload is followed to its replacement and reported confirmed", async () => {
      const { back, wallet, hash } = await pledgePending();
      await back.page.reload();
      const reloaded = new BackPage(back.page);
      await waitText(reloaded.status, /Following your pledge, sent before this page was reloaded\./);
      const replacement = await wallet.replacePending(hash, "speed-up");
      await suite.world.rpc("evm_mine");

      const steps = await reloaded.waitForOutcome();
      const block = await minedIn(replacement);
      assert.equal(steps.at(-1), `Confirmed in block ${block}.`, steps.join("\n"));
      assert.ok(
        steps.some((step) => step.includes("sped it up") && step.includes(replacement)),
        steps.join("\n"),
      );
      const onChain = await suite.world.read("main", wallet.address);
      assert.equal(onChain.pledgeOf, REFERENCE_MIN_PLEDGE_UNITS);
      assert.equal(onChain.backers, 1n);
    });

    it("a pledge cancelled in the wallet after a reload is reported as cancelled, and nothing is pledged", async () => {
      const { back, wallet, hash } = await pledgePending();
      await back.page.reload();
      const reloaded = new BackPage(back.page);
      await waitText(reloaded.status, /Following your pledge, sent before this page was reloaded\./);
      const replacement = await wallet.replacePending(hash, "cancel");
      await suite.world.rpc("evm_mine");

      const steps = await reloaded.waitForOutcome();
      await minedIn(replacement);
      assert.match(steps.at(-1)!, /^Failed: It was cancelled in your wallet /, steps.join("\n"));
      assert.equal((await suite.world.read("main", wallet.address)).pledgeOf, 0n);
    });
  },
);
