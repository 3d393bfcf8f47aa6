/**
 * `npm start` end to end: the real local stack in a child process, read by a real Chromium and
 * driven over real JSON-RPC, as a fan and a producer meet it.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, createWalletClient, defineChain, getAddress, http, parseUnits, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import escrowArtifact from "../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json" with { type: "json" };
import tokenArtifact from "../../artifacts/contracts/test/TestStablecoin.sol/TestStablecoin.json" with { type: "json" };
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { createNodeClient, destroyClient } from "../../scripts/lib/p2p/client.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { launchChromium } from "../helpers/browser.ts";
import { runScript, startScript, type LongRunning } from "../helpers/processes.ts";

function field(output: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, "m").exec(output);
  assert.ok(match, `no "${label}" line in:\n${output}`);
  return match[1];
}

function portIsClosed(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once("connect", () => (socket.destroy(), done(false)));
    socket.once("error", () => done(true));
  });
}

describe("npm start: the local campaign", async () => {
  let dir: string;
  let stack: LongRunning;
  let siteUrl: string;
  let rpcUrl: string;
  let escrow: Address;
  let token: Address;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-start-"));
    stack = await startScript(
      "start.ts",
      ["--chain-port", "0", "--site-port", "0", "--tracker-port", "0", "--webseed-port", "0", "--gateway-ports", "0,0", "--dir", dir],
      "Press Ctrl-C to stop.",
    );
    siteUrl = field(stack.output(), "site");
    rpcUrl = field(stack.output(), "chain \\(RPC\\)");
    escrow = getAddress(field(stack.output(), "escrow"));
    token = getAddress(field(stack.output(), "token \\(tUSD\\)"));
  });

  after(async () => {
    await stack?.interrupt();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a valid manifest with the reference parameters and the deployed addresses", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    assert.equal(manifest.chain.id, 31337);
    assert.deepEqual(manifest.chain.rpcUrls, [rpcUrl]);
    assert.equal(manifest.escrow.address, escrow);
    assert.equal(manifest.escrow.token.address, token);
    assert.equal(manifest.escrow.goalBackers, 250_000);
    assert.equal(manifest.escrow.minPledge, "9950000");
    assert.equal(manifest.escrow.beneficiary, devAccount(DEV_ROLES.beneficiary).address);
  });

  it("writes the seeded pilot into the manifest: torrent, trackers, web seeds and captions", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    const torrent = manifest.torrent;
    assert.ok(torrent, "no torrent section");
    assert.equal(torrent.name, "sample-pilot.mp4");
    assert.equal(torrent.length, (await stat("media/sample-pilot.mp4")).size);
    assert.equal(torrent.infoHash, /info hash ([0-9a-f]{40})/.exec(stack.output())?.[1]);
    const httpAnnounce = /desktop clients: (\S+)\)/.exec(stack.output())?.[1];
    assert.deepEqual(torrent.trackers, [field(stack.output(), "tracker"), httpAnnounce]);
    assert.deepEqual(torrent.webSeeds, [field(stack.output(), "web seed"), ...(manifest.ipfs?.pilot?.urls ?? [])]);
    assert.equal(torrent.captions?.file, "sample-pilot.vtt");
    assert.ok((await stat(join(dir, torrent.torrentFile))).size > 0);
  });

  it("lets a separate BitTorrent client download the pilot from the running stack, byte for byte", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    const torrentFile = await readFile(join(dir, manifest.torrent?.torrentFile ?? ""));
    const downloads = await mkdtemp(join(tmpdir(), "peerpilot-download-"));
    // A desktop-style client: TCP only, no web seeds, so the bytes come from the seeder.
    const client = createNodeClient({ webrtc: false, webSeeds: false });
    try {
      const torrent = client.add(torrentFile, { path: downloads });
      const wireTypes = new Set<string>();
      torrent.on("wire", (wire) => wireTypes.add(wire.type));
      await new Promise<void>((done) => torrent.once("done", () => done()));
      assert.deepEqual([...wireTypes], ["tcpOutgoing"]);
      const [original, copy] = await Promise.all([readFile("media/sample-pilot.mp4"), readFile(join(downloads, "sample-pilot.mp4"))]);
      assert.ok(original.equals(copy), "downloaded pilot differs from the original");
    } finally {
      await destroyClient(client);
      await rm(downloads, { recursive: true, force: true });
    }
  });

  it("serves a page that shows the escrow's address and its live state, and follows a pledge", async () => {
    const chain = defineChain({ id: 31337, name: "local", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
    const backer = privateKeyToAccount(devAccount(DEV_ROLES.backer).privateKey);
    const wallet = createWalletClient({ account: backer, chain, transport: http(rpcUrl) });
    const reader = createPublicClient({ chain, transport: http(rpcUrl) });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      await page.getByText(escrow).first().waitFor();
      await page.getByText(/0 of 250,000/).first().waitFor();
      await page.getByText(/funding/i).first().waitFor();

      const amount = parseUnits("9.95", 6);
      await reader.waitForTransactionReceipt({
        hash: await wallet.writeContract({ address: token, abi: tokenArtifact.abi, functionName: "approve", args: [escrow, amount] }),
      });
      await reader.waitForTransactionReceipt({
        hash: await wallet.writeContract({ address: escrow, abi: escrowArtifact.abi, functionName: "pledge", args: [amount] }),
      });
      await page.reload();
      await page.getByText(/1 of 250,000/).first().waitFor();
      await page.getByText(/9\.95 tUSD/).first().waitFor();
    } finally {
      await browser.close();
    }
  });

  it("serves the pilot and the built site from two local IPFS gateways, recorded in the manifest", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    const ipfs = manifest.ipfs;
    assert.ok(ipfs?.pilot && ipfs.site, "no ipfs section with the pilot and the site");
    assert.equal(ipfs.gateways.length, 2);
    assert.equal(field(stack.output(), "site on IPFS"), ipfs.site.urls[0]);
    for (const url of ipfs.site.urls) {
      const page = await fetch(url);
      assert.equal(page.status, 200, url);
      assert.match(await page.text(), /<h1[^>]*>The Long Dark Between<\/h1>/);
    }
    const original = await readFile("media/sample-pilot.mp4");
    for (const url of ipfs.pilot.urls) {
      const part = await fetch(url, { headers: { Range: "bytes=1000-1999" } });
      assert.equal(part.status, 206, url);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(original.subarray(1000, 2000)), `${url} serves other bytes`);
    }
  });

  it("serves a page whose player plays the sample pilot from the local stack, with captions", async () => {
    // WebRTC kept off UDP: outside a network namespace Chromium would use the machine's own
    // non-loopback address. The player then streams from the local web seed through WebTorrent.
    const browser = await launchChromium(["--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]);
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      assert.equal(await page.locator("video track").getAttribute("src"), "./captions.vtt");
      const captions = await page.request.get(new URL("captions.vtt", siteUrl).href);
      assert.match(await captions.text(), /^WEBVTT/);
      await page.getByRole("button", { name: /watch the pilot/i }).click();
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 2, null, { timeout: 30_000 });
    } finally {
      await browser.close();
    }
  });

  it("lets npm run deploy add a second campaign to the running chain and write its manifest", async () => {
    const manifestFile = join(dir, "second.json");
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", rpcUrl, "--chain-id", "31337",
      "--token", token, "--beneficiary", devAccount(5).address,
      "--goal", "1000", "--min-pledge", "5", "--deadline", "+3d",
      "--title", "Second pilot", "--tagline", "Another one", "--manifest", manifestFile,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const manifest = parseManifestJson(await readFile(manifestFile, "utf8"));
    assert.notEqual(manifest.escrow.address, escrow);
    assert.equal(manifest.escrow.goalBackers, 1000);
    assert.equal(manifest.escrow.minPledge, "5000000");
    assert.equal(manifest.campaign.title, "Second pilot");
    const code = await createPublicClient({ transport: http(rpcUrl) }).getCode({ address: manifest.escrow.address });
    assert.ok(code !== undefined && code.length > 2);
  });

  it("refuses to deploy to a chain other than the one asked for, sending nothing", async () => {
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", rpcUrl, "--chain-id", "1",
      "--token", token, "--beneficiary", devAccount(5).address, "--manifest", join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /wrong chain: you asked for chain 1, but the RPC endpoint serves chain 31337/);
  });

  it("refuses a deadline in the past before sending anything", async () => {
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", rpcUrl, "--token", token, "--beneficiary", devAccount(5).address,
      "--deadline", "2020-01-01T00:00:00Z", "--manifest", join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /deadline 2020-01-01T00:00:00.000Z is not in the future/);
  });

  it("refuses a token address with no contract behind it", async () => {
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", rpcUrl, "--token", devAccount(7).address, "--beneficiary", devAccount(5).address,
      "--manifest", join(dir, "never.json"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /has no contract code on this chain/);
  });

  it("refuses to overwrite a malformed manifest, naming the bad field", async () => {
    const manifestFile = join(dir, "broken.json");
    await writeFile(manifestFile, JSON.stringify({ version: 1, campaign: { title: "x", tagline: "y" }, chain: { id: 0 } }));
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", rpcUrl, "--token", token, "--beneficiary", devAccount(5).address, "--manifest", manifestFile,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /chain\.id: /);
  });

  it("reports an unreachable RPC endpoint plainly", async () => {
    const result = await runScript("deploy.ts", [
      "--network", "localhost", "--rpc-url", "http://127.0.0.1:9", "--token", token, "--beneficiary", devAccount(5).address,
      "--manifest", join(dir, "never.json"),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /cannot reach the RPC endpoint/);
  });

  it("stops the chain, the site and the gateways cleanly on Ctrl-C", async () => {
    const gateways = /IPFS gateways (\S+), (\S+)/.exec(stack.output())?.slice(1) ?? [];
    assert.equal(gateways.length, 2);
    const code = await stack.interrupt();
    assert.equal(code, 0);
    for (const url of [siteUrl, rpcUrl, ...gateways]) assert.equal(await portIsClosed(url), true, `${url} still answers`);
  });
});
