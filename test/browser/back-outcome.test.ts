/**
 * back.html with a pledge held and after the deadline, in a real Chromium against a real Hardhat
 * chain on 127.0.0.1 with the dev wallet in the page: cancel, the last-day lock at the goal
 * explained before any click, refunds of a failed campaign (one's own and another backer's), and
 * the release of a funded one. The chain's clock is moved with evm_setNextBlockTimestamp; each
 * test starts from the same chain (evm_snapshot / evm_revert).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { CampaignState } from "../../site/lib/back/escrow-abi.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";
import {
  ACCOUNTS,
  assertAccessible,
  BackPage,
  FUNDING,
  units,
  signingRequests,
  waitText,
  walletFor,
  type CampaignKey,
  useBackSuite,
} from "./back-campaign.ts";

const HOUR = 60n * 60n;

describe.skipIf(missing(CHROMIUM))(
  "back.html: cancel, refund, release (Chromium, Hardhat JSON-RPC on loopback)",
  () => {
    const backer = devAccount(ACCOUNTS.backer).address;

    const suite = useBackSuite(["main", "release"]);

    async function connected(key: CampaignKey = "main") {
      const opened = await suite.open(suite.world.campaign(key).backUrl, [
        walletFor(suite.world, ACCOUNTS.backer),
      ]);
      const back = new BackPage(opened.page);
      await back.connect();
      await waitText(back.fact("Your tUSD balance"), /\d/);
      return { ...opened, back, wallet: opened.wallets[0] };
    }

    it("cancels the backer's pledge, explaining the 24-hour rule before the click; the tokens come back", async () => {
      await suite.world.pledgeFrom("main", ACCOUNTS.backer);
      const { back, wallet, page } = await connected();
      const cancel = back.button("Cancel my pledge");
      await waitEnabled(cancel);
      assert.match(await back.description(cancel), /24 hours/);
      await assertAccessible(page, "back.html with a pledge held");
      await cancel.click();
      const steps = await back.waitForOutcome();
      assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
      const onChain = await suite.world.read("main", backer);
      assert.equal(onChain.pledgeOf, 0n);
      assert.equal(onChain.backers, 0n);
      assert.equal(await suite.world.tokenBalance("main", backer), FUNDING);
      assert.deepEqual(signingRequests(wallet), ["eth_sendTransaction"]);
    });

    it("refuses, before any click, a cancel in the last 24 hours that would take the campaign below its goal", async () => {
      await suite.world.pledgeFrom("main", ACCOUNTS.second);
      await suite.world.pledgeFrom("main", ACCOUNTS.third);
      await suite.world.pledgeFrom("main", ACCOUNTS.backer);
      await suite.world.mineAt(suite.world.campaign("main").deadline - 12n * HOUR);
      const { back, wallet, page } = await connected();
      const cancel = back.button("Cancel my pledge");
      await cancel.waitFor();
      const problemsId = (await cancel.getAttribute("aria-describedby"))!.split(/\s+/).at(-1);
      const why = await waitText(page.locator(`[id="${problemsId}"]`), /\S/);
      assert.match(why, /goal/i, "the sentence says the cancel would take the campaign below its goal");
      assert.ok(await cancel.isDisabled());
      assert.match(await back.description(cancel), /24 hours/);
      await assertAccessible(page, "back.html with the cancel locked");
      assert.deepEqual(signingRequests(wallet), []);
      assert.equal((await suite.world.read("main", backer)).backers, 3n);
    });

    it("refunds the backer's own pledge once a campaign has failed", async () => {
      await suite.world.pledgeFrom("main", ACCOUNTS.backer);
      await suite.world.mineAt(suite.world.campaign("main").deadline + 1n);
      const { back, page } = await connected();
      const refund = back.button("Refund my pledge");
      await waitEnabled(refund);
      await assertAccessible(page, "back.html after a failed campaign");
      await refund.click();
      const steps = await back.waitForOutcome();
      assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
      assert.equal((await suite.world.read("main", backer)).pledgeOf, 0n);
      assert.equal(await suite.world.tokenBalance("main", backer), FUNDING);
    });

    it("refunds another backer's pledge to that backer once a campaign has failed", async () => {
      const other = devAccount(ACCOUNTS.second).address;
      await suite.world.pledgeFrom("main", ACCOUNTS.second, units("12"));
      await suite.world.mineAt(suite.world.campaign("main").deadline + 1n);
      const { back, page } = await connected();
      assert.equal(
        await back.button("Refund my pledge").isVisible(),
        false,
        "the backer has no pledge of their own",
      );
      await page.getByLabel("Backer address").fill(other);
      const submit = back.button("Refund this backer");
      await waitEnabled(submit);
      await submit.click();
      const steps = await back.waitForOutcome();
      assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
      assert.equal((await suite.world.read("main", other)).pledgeOf, 0n);
      assert.equal(await suite.world.tokenBalance("main", other), FUNDING);
    });

    it("releases a funded campaign to the producer and then says it was released", async () => {
      await suite.world.pledgeFrom("release", ACCOUNTS.second);
      await suite.world.pledgeFrom("release", ACCOUNTS.third);
      await suite.world.mineAt(suite.world.campaign("release").deadline + 1n);
      const producer = devAccount(DEV_ROLES.beneficiary).address;
      const before = await suite.world.tokenBalance("release", producer);
      const { back, page } = await connected("release");
      const release = back.button("Release to the producer");
      await waitEnabled(release);
      await assertAccessible(page, "back.html after a funded campaign");
      await release.click();
      const steps = await back.waitForOutcome();
      assert.match(steps.at(-1)!, /^Confirmed in block \d+\.$/, steps.join("\n"));
      assert.equal((await suite.world.read("release", producer)).state, BigInt(CampaignState.Released));
      assert.equal((await suite.world.tokenBalance("release", producer)) - before, units("19.9"));
      await page.getByText(/^Released to the producer on /).waitFor();
      await assertAccessible(page, "back.html after the release");
      const watch = await suite.context.newPage();
      await watch.goto(suite.world.campaign("release").watchUrl);
      await waitText(watch.locator("pp-progress"), /Released/i);
      await assertAccessible(watch, "the watch page after the release");
    });
  },
);

/** Waits until `button` is enabled (the page enables it once its checks have passed). */
async function waitEnabled(button: ReturnType<BackPage["button"]>): Promise<void> {
  await button.waitFor();
  await button
    .page()
    .waitForFunction((element) => !(element as HTMLButtonElement).disabled, await button.elementHandle(), {
      timeout: 20_000,
    });
}
