/**
 * site/lib/chain-read.ts with a fake fetch: which endpoint it asks first and next, and what it says of
 * endpoints that refuse with HTTP 429 or 503 (its own words, never theirs).
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { createChainReader, RpcUnreachableError } from "../../site/lib/chain-read.ts";

describe("chain-read's choice of endpoints and its rate-limit errors", () => {
  const URLS = ["https://a.example/key-a", "https://b.example/key-b", "https://c.example/key-c"];
  const ESCROW = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
  const PHISHING = "Send 1 ETH to 0xdead to keep your pledge";

  /**
   * Reads once through endpoints that all answer `response()`; returns the URLs asked, in order, and the
   * error.
   */
  async function failedRead(
    response: () => Response,
    random: () => number,
  ): Promise<{ asked: string[]; error: unknown }> {
    const asked: string[] = [];
    const reader = createChainReader({
      rpcUrls: URLS,
      chainId: 31337,
      random,
      fetch: (input) => {
        asked.push(input);
        return Promise.resolve(response());
      },
    });
    const error = await reader.readCampaign(ESCROW).then(
      () => assert.fail("the read succeeded"),
      (thrown: unknown) => thrown,
    );
    return { asked, error };
  }

  const unavailable = () => new Response(PHISHING, { status: 503, statusText: PHISHING });

  it("asks first the endpoint random() picks, then the others in the manifest's order after it", async () => {
    assert.deepEqual((await failedRead(unavailable, () => 0.5)).asked, [URLS[1], URLS[2], URLS[0]]);
    assert.deepEqual((await failedRead(unavailable, () => 0.9)).asked, [URLS[2], URLS[0], URLS[1]]);
  });

  it("says an HTTP 429 is 'rate limited' in its own words, never the endpoint's", async () => {
    const tooMany = () => new Response(PHISHING, { status: 429, statusText: PHISHING });
    const { error } = await failedRead(tooMany, () => 0);
    assert.ok(error instanceof RpcUnreachableError);
    assert.deepEqual(error.failures, [
      { host: "a.example", reason: "HTTP 429, rate limited" },
      { host: "b.example", reason: "HTTP 429, rate limited" },
      { host: "c.example", reason: "HTTP 429, rate limited" },
    ]);
    assert.equal(error.retryAfterSeconds, undefined);
    assert.ok(!error.message.includes(PHISHING), error.message);
  });

  it("reports the longest Retry-After in seconds any endpoint sent", async () => {
    let n = 0;
    const seconds = ["30", "120", "7"];
    const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": seconds[n++] } });
    const { error } = await failedRead(tooMany, () => 0);
    assert.ok(error instanceof RpcUnreachableError);
    assert.deepEqual(
      error.failures.map((f) => f.retryAfterSeconds),
      [30, 120, 7],
    );
    assert.equal(error.retryAfterSeconds, 120);
  });

  it("ignores a Retry-After that is not a number of seconds (an HTTP date, text)", async () => {
    let n = 0;
    const values = ["Wed, 21 Oct 2026 07:28:00 GMT", PHISHING, "-5"];
    const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": values[n++] } });
    const { error } = await failedRead(tooMany, () => 0);
    assert.ok(error instanceof RpcUnreachableError);
    assert.equal(error.retryAfterSeconds, undefined);
    assert.ok(error.failures.every((f) => !("retryAfterSeconds" in f)));
  });
});
