/**
 * An RPC endpoint must not be able to write on the campaign page. A hostile endpoint on 127.0.0.1
 * (test/helpers/hostile-rpc.ts) puts phishing text in each channel through which an endpoint's
 * own text could reach the page: a JSON-RPC error's message, a refused batch, the HTTP reason
 * phrase, a malformed result. For each, neither the error site/lib/chain-read.ts throws nor the
 * sentence site/lib/progress-view.ts makes of it for the page carries that text.
 */
import assert from "node:assert/strict";
import { afterAll, beforeAll, describe, it } from "vitest";
import {
  ChainReadError,
  createChainReader,
  RpcError,
  RpcUnreachableError,
} from "../../site/lib/chain-read.ts";
import { errorText } from "../../site/lib/progress-view.ts";
import {
  CHANNELS,
  carriesPhishing,
  startHostileRpc,
  type Channel,
  type HostileRpc,
} from "../helpers/hostile-rpc.ts";

const ESCROW = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

describe("an RPC endpoint that answers with phishing text", () => {
  let rpc: HostileRpc;

  beforeAll(async () => {
    rpc = await startHostileRpc();
  });

  afterAll(async () => {
    await rpc?.close();
  });

  /** Reads the campaign through `channel`: the error thrown, and the sentence the page would show. */
  async function failedRead(channel: Channel): Promise<{ error: ChainReadError; text: string }> {
    const rpcUrls = [rpc.url(channel)];
    const reader = createChainReader({ rpcUrls, chainId: 31337 });
    const error = await reader.readCampaign(ESCROW).then(
      () => assert.fail("the read succeeded"),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof ChainReadError, `expected a ChainReadError, got ${String(error)}`);
    return { error, text: errorText(error, 15) };
  }

  it("does send the phishing text through every channel (the fixture is hostile)", async () => {
    for (const channel of CHANNELS) {
      const response = await fetch(rpc.url(channel), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }]),
      });
      assert.ok(carriesPhishing(`${response.statusText} ${await response.text()}`), channel);
    }
  });

  it("keeps a JSON-RPC error's message off the page, naming the host, the method and the code", async () => {
    const { error, text } = await failedRead("rpc-error");
    assert.ok(error instanceof RpcError);
    assert.deepEqual(
      { host: error.host, method: error.method, code: error.code },
      { host: rpc.host, method: "eth_chainId", code: -32000 },
    );
    assert.ok(!carriesPhishing(error.message), error.message);
    assert.ok(!carriesPhishing(text), text);
    assert.equal(text, `The RPC ${rpc.host} refused eth_chainId (JSON-RPC code -32000). Retrying in 15 s.`);
  });

  it("keeps a refused batch's error message off the page, naming the host and the code", async () => {
    const { error, text } = await failedRead("batch-error");
    assert.ok(error instanceof RpcUnreachableError);
    assert.deepEqual(error.failures, [
      { host: rpc.host, reason: "refused the batch (JSON-RPC code -32600)" },
    ]);
    assert.ok(!carriesPhishing(error.message), error.message);
    assert.ok(!carriesPhishing(text), text);
    assert.equal(
      text,
      `Could not reach the chain: ${rpc.host} (refused the batch (JSON-RPC code -32600)). Retrying in 15 s.`,
    );
  });

  it("keeps the HTTP reason phrase off the page, naming the host and the status number", async () => {
    const { error, text } = await failedRead("status-text");
    assert.ok(error instanceof RpcUnreachableError);
    assert.deepEqual(error.failures, [{ host: rpc.host, reason: "HTTP 502" }]);
    assert.ok(!carriesPhishing(error.message), error.message);
    assert.ok(!carriesPhishing(text), text);
    assert.equal(text, `Could not reach the chain: ${rpc.host} (HTTP 502). Retrying in 15 s.`);
  });

  it("keeps a malformed result off the page, naming the host and the call it answered", async () => {
    const { error, text } = await failedRead("malformed-result");
    assert.ok(error instanceof RpcUnreachableError);
    assert.deepEqual(error.failures, [{ host: rpc.host, reason: "malformed answer to eth_chainId" }]);
    assert.ok(!carriesPhishing(error.message), error.message);
    assert.ok(!carriesPhishing(text), text);
    assert.equal(
      text,
      `Could not reach the chain: ${rpc.host} (malformed answer to eth_chainId). Retrying in 15 s.`,
    );
  });
});
