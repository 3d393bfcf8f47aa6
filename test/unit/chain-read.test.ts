/**
 * site/lib/chain-read.ts against a real Hardhat JSON-RPC server on 127.0.0.1, with the
 * TestStablecoin and a CampaignEscrow deployed and two pledges made over HTTP.
 */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";
import { JsonRpcProvider, Network } from "ethers";
import { CampaignEscrow__factory, TestStablecoin__factory } from "../../types/ethers-contracts/index.ts";
import {
  createChainReader,
  NoContractError,
  RpcError,
  RpcUnreachableError,
  WrongChainError,
} from "../../site/lib/chain-read.ts";
import type { Address } from "../../site/lib/address.ts";

const DEPLOYER: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const BENEFICIARY: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BACKERS: readonly Address[] = [
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
];
const MIN_PLEDGE = 9_950_000n;
/** An address no one deployed to. */
const EMPTY: Address = "0x000000000000000000000000000000000000dEaD";

/**
 * An ethers provider for the Hardhat server at `url`: chain 31337 known up front (no chain id
 * request before every call), one request per HTTP call, and fast polling for receipts.
 */
function localProvider(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(31337), {
    staticNetwork: true,
    batchMaxCount: 1,
    pollingInterval: 1,
  });
}

/** Starts an HTTP server and returns its URL. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL on 127.0.0.1 that nobody listens on: a port that was just opened and closed. */
async function closedPortUrl(): Promise<string> {
  const server = createHttpServer();
  const url = await listen(server);
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return url;
}

describe("chain-read against a Hardhat JSON-RPC server", () => {
  let server: JsonRpcServer;
  let url: string;
  let escrow: Address;
  let token: Address;
  let deadUrl: string;
  /** A server that accepts requests and never answers. */
  const silent = createHttpServer(() => {});
  let silentUrl: string;

  beforeAll(async () => {
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    url = `http://${address}:${port}`;
    deadUrl = await closedPortUrl();
    silentUrl = await listen(silent);

    // The server's dev accounts are unlocked: every transaction is an eth_sendTransaction.
    const provider = localProvider(url);
    try {
      const deployer = await provider.getSigner(DEPLOYER);
      const deployed = async (contract: {
        waitForDeployment(): Promise<unknown>;
        getAddress(): Promise<string>;
      }) => {
        await contract.waitForDeployment();
        return (await contract.getAddress()) as Address;
      };
      const mined = async (
        sent: Promise<{ wait(): Promise<{ status: number | null } | null> }>,
        what: string,
      ) => {
        const receipt = await (await sent).wait();
        assert.equal(receipt?.status, 1, `${what} failed`);
      };

      token = await deployed(await new TestStablecoin__factory(deployer).deploy("Test USD", "tUSD"));
      const latest = await provider.getBlock("latest");
      assert.ok(latest);
      escrow = await deployed(
        await new CampaignEscrow__factory(deployer).deploy(
          token,
          BENEFICIARY,
          3,
          MIN_PLEDGE,
          BigInt(latest.timestamp) + 28n * 24n * 3600n,
        ),
      );
      for (const backer of BACKERS) {
        const signer = await provider.getSigner(backer);
        const coin = TestStablecoin__factory.connect(token, signer);
        await mined(coin.mint(backer, MIN_PLEDGE), `mint from ${backer}`);
        await mined(coin.approve(escrow, MIN_PLEDGE), `approve from ${backer}`);
        await mined(
          CampaignEscrow__factory.connect(escrow, signer).pledge(MIN_PLEDGE),
          `pledge from ${backer}`,
        );
      }
    } finally {
      provider.destroy();
    }
  });

  afterAll(async () => {
    await server?.close();
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("reads state Funding, two backers and their total after two pledges", async () => {
    const reader = createChainReader({ rpcUrls: [url], chainId: 31337 });
    const reading = await reader.readCampaign(escrow);
    assert.equal(reading.state, 0n);
    assert.equal(reading.backers, 2n);
    assert.equal(reading.totalPledged, 2n * MIN_PLEDGE);
    assert.equal(reading.rpcUrl, url);
  });

  it("returns the latest block's timestamp and number", async () => {
    const provider = localProvider(url);
    const block = await provider.getBlock("latest").finally(() => provider.destroy());
    assert.ok(block);
    const reading = await createChainReader({ rpcUrls: [url], chainId: 31337 }).readCampaign(escrow);
    assert.equal(reading.blockTimestamp, BigInt(block.timestamp));
    assert.equal(reading.blockNumber, BigInt(block.number));
  });

  it("throws WrongChainError when the manifest names another chain", async () => {
    const reader = createChainReader({ rpcUrls: [url], chainId: 1 });
    await assert.rejects(reader.readCampaign(escrow), (error: unknown) => {
      assert.ok(error instanceof WrongChainError);
      assert.equal(error.expected, 1);
      assert.equal(error.actual, 31337);
      assert.equal(error.host, new URL(url).host);
      assert.equal(error.message, `The RPC ${new URL(url).host} is on the wrong chain: 31337, not 1`);
      return true;
    });
  });

  it("throws NoContractError for an address without code", async () => {
    const reader = createChainReader({ rpcUrls: [url], chainId: 31337 });
    await assert.rejects(reader.readCampaign(EMPTY), (error: unknown) => {
      assert.ok(error instanceof NoContractError);
      assert.equal(error.address, EMPTY);
      assert.equal(error.host, new URL(url).host);
      assert.equal(
        error.message,
        `No contract at the escrow ${EMPTY} on chain 31337 (asked ${new URL(url).host})`,
      );
      return true;
    });
  });

  it("throws RpcError when the address holds a contract without the escrow's views", async () => {
    const reader = createChainReader({ rpcUrls: [url], chainId: 31337 });
    await assert.rejects(reader.readCampaign(token), (error: unknown) => {
      assert.ok(error instanceof RpcError);
      assert.equal(error.method, "eth_call");
      assert.equal(error.host, new URL(url).host);
      assert.equal(typeof error.code, "number");
      assert.equal(
        error.message,
        `The RPC ${new URL(url).host} refused eth_call (JSON-RPC code ${error.code})`,
      );
      return true;
    });
  });

  it("throws RpcUnreachableError listing the endpoint's host and 'connection refused' for a closed port", async () => {
    const reader = createChainReader({ rpcUrls: [deadUrl], chainId: 31337 });
    await assert.rejects(reader.readCampaign(escrow), (error: unknown) => {
      assert.ok(error instanceof RpcUnreachableError);
      assert.deepEqual(error.failures, [{ host: new URL(deadUrl).host, reason: "connection refused" }]);
      assert.equal(error.message, `Could not reach the chain: ${new URL(deadUrl).host} (connection refused)`);
      return true;
    });
  });

  it("names an endpoint by host only, never the URL's path or query where an API key may be", async () => {
    const keyed = `${deadUrl}/v2/SECRET-KEY?apikey=SECRET-KEY`;
    const reader = createChainReader({ rpcUrls: [keyed], chainId: 31337 });
    await assert.rejects(reader.readCampaign(escrow), (error: unknown) => {
      assert.ok(error instanceof RpcUnreachableError);
      assert.deepEqual(error.failures, [{ host: new URL(deadUrl).host, reason: "connection refused" }]);
      assert.ok(!error.message.includes("SECRET-KEY"), error.message);
      return true;
    });
  });

  it("gives up on an endpoint that does not answer within the timeout", async () => {
    const reader = createChainReader({ rpcUrls: [silentUrl], chainId: 31337, timeoutMs: 200 });
    await assert.rejects(reader.readCampaign(escrow), (error: unknown) => {
      assert.ok(error instanceof RpcUnreachableError);
      assert.deepEqual(error.failures, [
        { host: new URL(silentUrl).host, reason: "no answer within 200 ms" },
      ]);
      return true;
    });
  });

  it("falls back to the second URL when the first is down", async () => {
    const reader = createChainReader({ rpcUrls: [deadUrl, url], chainId: 31337, random: () => 0 });
    const reading = await reader.readCampaign(escrow);
    assert.equal(reading.rpcUrl, url);
    assert.equal(reading.backers, 2n);
  });

  it("asks each endpoint for its chain id and the escrow's code only on the first read", async () => {
    const methods: string[][] = [];
    const reader = createChainReader({
      rpcUrls: [url],
      chainId: 31337,
      fetch: async (input, init) => {
        const batch = JSON.parse(String(init.body)) as { method: string }[];
        methods.push(batch.map((request) => request.method));
        return fetch(input, init);
      },
    });
    await reader.readCampaign(escrow);
    await reader.readCampaign(escrow);
    assert.equal(methods.length, 2, "one HTTP request per read");
    assert.deepEqual(methods[0]!.slice(0, 2), ["eth_chainId", "eth_getCode"]);
    assert.ok(!methods[1]!.includes("eth_chainId") && !methods[1]!.includes("eth_getCode"));
  });
});

describe("chain-read's choice of endpoints and its rate-limit errors (a fake fetch)", () => {
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
      fetch: async (input) => {
        asked.push(input);
        return response();
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
    const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": seconds[n++]! } });
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
    const tooMany = () => new Response(null, { status: 429, headers: { "retry-after": values[n++]! } });
    const { error } = await failedRead(tooMany, () => 0);
    assert.ok(error instanceof RpcUnreachableError);
    assert.equal(error.retryAfterSeconds, undefined);
    assert.ok(error.failures.every((f) => !("retryAfterSeconds" in f)));
  });
});
