/**
 * site/lib/chain-read.ts against a real Hardhat JSON-RPC server on 127.0.0.1, with the
 * TestStablecoin and a CampaignEscrow deployed and two pledges made over HTTP.
 */
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
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
import { DEV_ROLES, devAccount } from "../../scripts/lib/dev-accounts.ts";
import { listenOnLoopback } from "../../scripts/lib/http.ts";
import { REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";
import { closedPort } from "../helpers/ports.ts";

const DEPLOYER = devAccount(DEV_ROLES.deployer).address;
const BENEFICIARY = devAccount(DEV_ROLES.beneficiary).address;
const BACKERS = [devAccount(DEV_ROLES.backer).address, devAccount(DEV_ROLES.backer + 1).address];
const MIN_PLEDGE = REFERENCE_MIN_PLEDGE_UNITS;
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
  return `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
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
    deadUrl = `http://127.0.0.1:${await closedPort()}`;
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
        const batch = JSON.parse(init.body as string) as { method: string }[];
        methods.push(batch.map((request) => request.method));
        return fetch(input, init);
      },
    });
    await reader.readCampaign(escrow);
    await reader.readCampaign(escrow);
    assert.equal(methods.length, 2, "one HTTP request per read");
    assert.deepEqual(methods[0].slice(0, 2), ["eth_chainId", "eth_getCode"]);
    assert.ok(!methods[1].includes("eth_chainId") && !methods[1].includes("eth_getCode"));
  });
});
