import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBytes, hexlify, Interface } from "ethers";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain.ts";
import { escrowArtifactFiles } from "../../site/lib/verify/escrow-artifact.ts";
import type { Address } from "../../site/lib/address.ts";
import { ESCROW_ABI } from "../../site/lib/back/escrow-abi.ts";
import { parseManifest, type Manifest } from "../../site/lib/manifest.ts";
import { cborStart } from "../../site/lib/verify/code.ts";
import { verifyCampaign, type VerifyReport, type VerifyRow } from "../../site/lib/verify/verify-campaign.ts";
import { listenOnLoopback } from "../../scripts/lib/http.ts";
import { closedPort } from "../helpers/ports.ts";

const GOAL = 3;
const MIN_PLEDGE = 9_950_000n;
const BACKERS_SELECTOR = new Interface(ESCROW_ABI).getFunction("backers")!.selector;

let dir: string;
let chain: LocalChain;
let files: Map<string, Uint8Array>;
let tokenAddress: string;
let beneficiary: string;
const servers: Server[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "peerpilot-verify-"));
  files = await escrowArtifactFiles();
  chain = await startLocalChain(0, dir);
  const { ethers } = chain.connection;
  const [, payee] = await ethers.getSigners();
  beneficiary = await payee.getAddress();
  const token = await (await ethers.getContractFactory("TestStablecoin")).deploy("Test USD", "tUSD");
  tokenAddress = await token.getAddress();
});

afterAll(async () => {
  for (const server of servers) await new Promise((done) => server.close(done));
  await chain?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A fresh escrow on the chain, and the manifest that states it truly. */
async function deployEscrow(): Promise<Manifest> {
  const { ethers } = chain.connection;
  const latest = await ethers.provider.getBlock("latest");
  const deadline = latest!.timestamp + 6 * 7 * 24 * 3600;
  const escrow = await (
    await ethers.getContractFactory("CampaignEscrow")
  ).deploy(tokenAddress, beneficiary, GOAL, MIN_PLEDGE, deadline);
  const receipt = await escrow.deploymentTransaction()!.wait();
  return parseManifest({
    version: 1,
    campaign: { title: "Verify", tagline: "A campaign to verify." },
    chain: { id: chain.chainId, name: "Local Hardhat chain", rpcUrls: [chain.url] },
    escrow: {
      address: await escrow.getAddress(),
      deployBlock: receipt!.blockNumber,
      token: { address: tokenAddress, name: "Test USD", symbol: "tUSD", decimals: 6 },
      beneficiary,
      goalBackers: GOAL,
      minPledge: MIN_PLEDGE.toString(),
      deadline,
    },
  });
}

function loader(overrides: Record<string, Uint8Array> = {}) {
  return (path: string): Promise<Uint8Array> => {
    const file = overrides[path] ?? files.get(path);
    if (file === undefined) return Promise.reject(new Error(`no such file ${path}`));
    return Promise.resolve(file);
  };
}

function row(report: VerifyReport, check: string): VerifyRow {
  const found = report.rows.find((entry) => entry.check === check);
  assert.ok(found, `no row ${check} in ${report.rows.map((entry) => entry.check).join(", ")}`);
  return found;
}

function differing(report: VerifyReport): string[] {
  return report.rows.filter((entry) => entry.status === "differs").map((entry) => entry.check);
}

async function chainCode(address: string): Promise<Uint8Array> {
  return getBytes(await chain.connection.ethers.provider.getCode(address));
}

async function setCode(address: string, code: Uint8Array): Promise<void> {
  await chain.connection.ethers.provider.send("hardhat_setCode", [address, hexlify(code)]);
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  return listenOnLoopback(server, 0);
}

/** A JSON-RPC proxy to the chain that answers `backers()` with `backers` instead of the chain's value. */
async function lyingProxy(backers: bigint): Promise<string> {
  const port = await listen(createServer((request, response) => void relay(request, response)));
  return `http://127.0.0.1:${port}`;

  async function relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of request) body += chunk;
    const upstream = await fetch(chain.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const calls = JSON.parse(body) as { id: number; method: string; params: [{ data?: string }] }[];
    const answers = (await upstream.json()) as { id: number; result?: string }[];
    for (const answer of answers) {
      const call = calls.find((entry) => entry.id === answer.id);
      if (call?.method === "eth_call" && call.params[0].data === BACKERS_SELECTOR)
        answer.result = `0x${backers.toString(16).padStart(64, "0")}`;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(answers));
  }
}

describe("verifyCampaign on a real chain", () => {
  it("says exact match for the real deployment, every row agreeing", async () => {
    const manifest = await deployEscrow();
    const report = await verifyCampaign({ manifest, loadFile: loader() });
    assert.equal(report.verdict, "exact-match");
    assert.deepEqual(report.code, { kind: "exact" });
    assert.deepEqual(differing(report), []);
    assert.equal(row(report, "parameter:goalBackers").chain, String(GOAL));
    assert.equal(row(report, "state").chain, "Funding");
    assert.equal(row(report, "backers").chain, "0");
    assert.equal(row(report, "token:proxy").status, "ok");
    assert.equal(row(report, "metadata").status, "ok");
    assert.ok(report.rows.filter((entry) => entry.check.startsWith("source:")).length >= 10);
    assert.ok(report.rows.every((entry) => entry.status === "ok" || entry.status === "info"));
  });

  it("reads everything at one block, the first RPC's latest", async () => {
    const manifest = await deployEscrow();
    const latest = await chain.connection.ethers.provider.getBlockNumber();
    const report = await verifyCampaign({ manifest, loadFile: loader() });
    assert.equal(report.block, BigInt(latest));
  });

  for (const [name, claim] of [
    ["goalBackers", (m: Manifest) => ({ ...m.escrow, goalBackers: 250_000 })],
    [
      "beneficiary",
      (m: Manifest) => ({
        ...m.escrow,
        beneficiary: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address,
      }),
    ],
    ["deadline", (m: Manifest) => ({ ...m.escrow, deadline: m.escrow.deadline + 86_400 })],
  ] as const) {
    it(`names ${name} and the chain's value when the manifest claims another`, async () => {
      const manifest = await deployEscrow();
      const truth = String(manifest.escrow[name]);
      const report = await verifyCampaign({
        manifest: { ...manifest, escrow: claim(manifest) },
        loadFile: loader(),
      });
      assert.equal(report.verdict, "mismatch");
      assert.equal(report.code?.kind, "parameters");
      assert.deepEqual(
        report.code.kind === "parameters" && report.code.differences.map((d) => [d.name, d.chain]),
        [[name, truth]],
      );
      assert.deepEqual(differing(report), ["code", `parameter:${name}`]);
      assert.equal(row(report, `parameter:${name}`).chain, truth);
      assert.match(row(report, "code").detail, new RegExp(`${name} is ${truth} on chain`));
    });
  }

  it("says code differs, with the offset, for other code at the address", async () => {
    const manifest = await deployEscrow();
    const code = await chainCode(manifest.escrow.address);
    code[1000] ^= 0xff;
    await setCode(manifest.escrow.address, code);
    const report = await verifyCampaign({ manifest, loadFile: loader() });
    assert.equal(report.verdict, "mismatch");
    assert.deepEqual(report.code, { kind: "code-differs", offset: 1000 });
    assert.match(row(report, "code").detail, /differs from byte 1000 on/);
  });

  it("says there is no contract, and names every parameter it could not read, for an address without code", async () => {
    const manifest = await deployEscrow();
    await setCode(manifest.escrow.address, new Uint8Array());
    const report = await verifyCampaign({ manifest, loadFile: loader() });
    assert.equal(report.verdict, "mismatch");
    assert.deepEqual(report.code, { kind: "no-code" });
    assert.match(row(report, "code").detail, /There is no contract at the escrow address/);
    assert.equal(row(report, "parameter:goalBackers").status, "differs");
  });

  it("says partial match, named as such, for the same code with other metadata bytes", async () => {
    const manifest = await deployEscrow();
    const code = await chainCode(manifest.escrow.address);
    code[cborStart(code) + 10] ^= 0x01; // inside the metadata's IPFS hash
    await setCode(manifest.escrow.address, code);
    const report = await verifyCampaign({ manifest, loadFile: loader() });
    assert.equal(report.verdict, "partial-match");
    assert.deepEqual(report.code, { kind: "metadata-only" });
    assert.deepEqual(differing(report), ["code", "metadata"]);
    assert.match(row(report, "code").detail, /^Partial match/);
  });

  it("names a shipped source that does not hash to what the metadata lists", async () => {
    const manifest = await deployEscrow();
    const path = "sources/project/contracts/CampaignEscrow.sol";
    assert.ok(files.has(path));
    const tampered = new TextEncoder().encode(`${new TextDecoder().decode(files.get(path))}\n// changed\n`);
    const report = await verifyCampaign({ manifest, loadFile: loader({ [path]: tampered }) });
    assert.equal(report.verdict, "mismatch");
    assert.deepEqual(differing(report), ["source:project/contracts/CampaignEscrow.sol"]);
  });

  it("names a shipped metadata file that is not the one the code commits to", async () => {
    const manifest = await deployEscrow();
    const metadata = new TextEncoder().encode(`${new TextDecoder().decode(files.get("metadata.json"))} `);
    const report = await verifyCampaign({ manifest, loadFile: loader({ "metadata.json": metadata }) });
    assert.equal(report.verdict, "mismatch");
    assert.deepEqual(differing(report), ["metadata"]);
    assert.match(row(report, "metadata").detail, /commits to other metadata/);
  });

  it("shows two RPCs that disagree, with each one's value", async () => {
    const manifest = await deployEscrow();
    const proxy = await lyingProxy(7n);
    const report = await verifyCampaign({ manifest, loadFile: loader(), rpcUrls: [proxy] });
    assert.equal(report.verdict, "mismatch");
    const backers = row(report, "backers");
    assert.equal(backers.status, "differs");
    assert.deepEqual(backers.perRpc, [
      { host: new URL(chain.url).host, value: "0" },
      { host: new URL(proxy).host, value: "7" },
    ]);
    assert.match(backers.detail, new RegExp(`${new URL(proxy).host} says 7`));
    assert.equal(row(report, "rpcs").status, "differs");
    assert.deepEqual(differing(report), ["backers", "rpcs"]);
  });

  it("names an unreachable RPC by host, never its URL, and still checks the others", async () => {
    const manifest = await deployEscrow();
    const port = await closedPort();
    const report = await verifyCampaign({
      manifest,
      loadFile: loader(),
      rpcUrls: [`http://127.0.0.1:${port}/v3/secret-api-key?token=hunter2`],
    });
    assert.equal(report.verdict, "exact-match");
    assert.deepEqual(report.unreachableHosts, [`127.0.0.1:${port}`]);
    const unreachable = row(report, `rpc:127.0.0.1:${port}`);
    assert.equal(unreachable.status, "unreachable");
    assert.match(unreachable.detail, /connection refused/);
    assert.equal(row(report, `rpc:${new URL(chain.url).host}`).status, "ok");
    const text = JSON.stringify(report, (_, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
    assert.doesNotMatch(text, /secret-api-key|hunter2/);
  });

  it("says unreachable when no RPC answers", async () => {
    const manifest = await deployEscrow();
    const port = await closedPort();
    const report = await verifyCampaign({
      manifest: { ...manifest, chain: { ...manifest.chain, rpcUrls: [`http://127.0.0.1:${port}`] } },
      loadFile: loader(),
    });
    assert.equal(report.verdict, "unreachable");
    assert.equal(report.block, undefined);
  });
});
