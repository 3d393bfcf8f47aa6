/**
 * `npm start` end to end: the real local stack in a child process, read by a real Chromium and
 * driven over real JSON-RPC, as a fan meets it. Every test works alone and in any order: they
 * share one running stack and leave it running (a pledge is the only change one makes, and no
 * other test counts backers); the Ctrl-C test starts and stops a stack of its own. (`npm run deploy`
 * against a running chain: deploy-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { getAddress, JsonRpcProvider, Network, parseUnits, Wallet } from "ethers";
import { devAccount, DEV_ROLES } from "../../scripts/lib/dev-accounts.ts";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { createNodeClient, destroyClient } from "../../scripts/lib/p2p/client.ts";
import { parseManifestJson } from "../../site/lib/manifest.ts";
import { CampaignEscrow__factory, TestStablecoin__factory } from "../../types/ethers-contracts/index.ts";
import type { Page } from "playwright-core";
import { launchChromium, NO_WEBRTC_UDP } from "../helpers/browser.ts";
import { runScript, startScript, type LongRunning } from "../helpers/processes.ts";
import { CHROMIUM, missing } from "../helpers/requirements.ts";

/** `npm start` on free ports, its files in `dir`; resolves once it is ready. */
function startStack(dir: string): Promise<LongRunning> {
  return startScript(
    "start.ts",
    [
      "--chain-port",
      "0",
      "--site-port",
      "0",
      "--tracker-port",
      "0",
      "--webseed-port",
      "0",
      "--gateway-ports",
      "0,0",
      "--dir",
      dir,
    ],
    "Press Ctrl-C to stop.",
  );
}

function field(output: string, label: string): string {
  const match = new RegExp(`^\\s+${label}\\s+(\\S+)`, "m").exec(output);
  assert.ok(match, `no "${label}" line in:\n${output}`);
  return match[1];
}

/** Waits until the progress panel's figure `name` (data-field) reads `text`. */
async function fieldShows(page: Page, name: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([field, expected]) =>
      document.querySelector(`[data-progress] [data-field="${field}"]`)?.textContent?.trim() === expected,
    [name, text] as const,
    { timeout: 30_000 },
  );
}

function portIsClosed(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once("connect", () => (socket.destroy(), done(false)));
    socket.once("error", () => done(true));
  });
}

describe("npm start, the command", () => {
  it("prints its help listing every flag with its default and exits 0", async () => {
    const result = await runScript("start.ts", ["--help"]);
    assert.equal(result.code, 0, result.stderr);
    for (const [flag, value] of [
      ["--chain-port <port>", "8545"],
      ["--site-port <port>", "4321"],
      ["--gateway-ports <a,b>", "8080,8081"],
      ["--min-pledge <amount>", "9.95"],
      ["--deadline <when>", "\\+6w"],
    ])
      assert.match(result.stdout, new RegExp(`${flag}[^]*?\\(default:\\s+"?${value}"?\\)`));
  });

  it("refuses a port out of range with exit code 2, naming the flag, before starting anything", async () => {
    const result = await runScript("start.ts", ["--chain-port", "99999"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--chain-port <port>.*"99999" is not a port number/);
    assert.doesNotMatch(result.stderr, /Starting/);
  });
});

describe.skipIf(missing(CHROMIUM))("npm start: the local campaign", () => {
  let dir: string;
  let stack: LongRunning;
  let siteUrl: string;
  let rpcUrl: string;
  let escrow: string;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-start-"));
    stack = await startStack(dir);
    siteUrl = field(stack.output(), "site");
    rpcUrl = field(stack.output(), "chain \\(RPC\\)");
    escrow = getAddress(field(stack.output(), "escrow"));
    token = getAddress(field(stack.output(), "token \\(tUSD\\)"));
  });

  afterAll(async () => {
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

  it("prints the network to add to a wallet: its name, RPC URL, chain id and currency, as the manifest has them", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    const output = stack.output();
    assert.match(output, /Add this network to your wallet/);
    assert.equal(/^\s+network\s+(.+)$/m.exec(output)?.[1], manifest.chain.name);
    assert.equal(field(output, "RPC URL"), rpcUrl);
    assert.equal(Number(field(output, "chain id")), manifest.chain.id);
    assert.equal(field(output, "currency"), manifest.chain.nativeCurrency.symbol);
  });

  it("prints the dev backer's address and key, which hold tUSD on the chain", async () => {
    const backer = devAccount(DEV_ROLES.backer);
    assert.equal(field(stack.output(), "address"), backer.address);
    assert.equal(field(stack.output(), "private key"), backer.privateKey);
    const provider = new JsonRpcProvider(rpcUrl, Network.from(31337), { staticNetwork: true });
    try {
      assert.ok((await TestStablecoin__factory.connect(token, provider).balanceOf(backer.address)) > 0n);
    } finally {
      provider.destroy();
    }
  });

  it("writes the seeded pilot into the manifest: torrent, trackers, web seeds, captions and poster", async () => {
    const manifest = parseManifestJson(await readFile(join(dir, "campaign.json"), "utf8"));
    const torrent = manifest.torrent;
    assert.ok(torrent, "no torrent section");
    assert.equal(torrent.name, "sample-pilot.mp4");
    assert.equal(torrent.length, (await stat("media/sample-pilot.mp4")).size);
    assert.equal(torrent.infoHash, /info hash ([0-9a-f]{40})/.exec(stack.output())?.[1]);
    const httpAnnounce = /desktop clients: (\S+)\)/.exec(stack.output())?.[1];
    assert.deepEqual(torrent.trackers, [field(stack.output(), "tracker"), httpAnnounce]);
    assert.deepEqual(torrent.webSeeds, [
      field(stack.output(), "web seed"),
      ...(manifest.ipfs?.pilot?.urls ?? []),
    ]);
    assert.equal(torrent.captions?.file, "sample-pilot.vtt");
    assert.equal(torrent.poster, "sample-pilot.jpg");
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
      const [original, copy] = await Promise.all([
        readFile("media/sample-pilot.mp4"),
        readFile(join(downloads, "sample-pilot.mp4")),
      ]);
      assert.ok(original.equals(copy), "downloaded pilot differs from the original");
    } finally {
      await destroyClient(client);
      await rm(downloads, { recursive: true, force: true });
    }
  });

  it("serves a page that shows the escrow's address and its live state, and follows a pledge", async () => {
    // The dev backer's own key signs, as a wallet would. ethers is told the chain id up front, sends
    // one request per HTTP call and polls fast (its defaults are slow on a local chain), and caches
    // nothing: its 250 ms cache would hand the second transaction the first one's nonce.
    const provider = new JsonRpcProvider(rpcUrl, Network.from(31337), {
      staticNetwork: true,
      batchMaxCount: 1,
      pollingInterval: 1,
      cacheTimeout: -1,
    });
    const backer = new Wallet(devAccount(DEV_ROLES.backer).privateKey, provider);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      await page.getByText(escrow).first().waitFor();
      await page
        .getByText(/backers of 250,000 goal/)
        .first()
        .waitFor();
      await fieldShows(page, "backers", "0");
      await page
        .getByText(/funding/i)
        .first()
        .waitFor();

      const amount = parseUnits("9.95", 6);
      await (await TestStablecoin__factory.connect(token, backer).approve(escrow, amount)).wait();
      await (await CampaignEscrow__factory.connect(escrow, backer).pledge(amount)).wait();
      await page.reload();
      await fieldShows(page, "backers", "1");
      await fieldShows(page, "total", "9.95 tUSD");
    } finally {
      await browser.close();
      provider.destroy();
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
      assert.ok(
        Buffer.from(await part.arrayBuffer()).equals(original.subarray(1000, 2000)),
        `${url} serves other bytes`,
      );
    }
  });

  it("serves a page whose player plays the sample pilot from the local stack, with captions", async () => {
    // WebRTC kept off UDP: outside a network namespace Chromium would use the machine's own
    // non-loopback address. The player then streams from the local web seed through WebTorrent.
    const browser = await launchChromium([NO_WEBRTC_UDP]);
    try {
      const page = await browser.newPage();
      await page.goto(siteUrl);
      assert.equal(await page.locator("video track").getAttribute("src"), "./captions.vtt");
      const captions = await page.request.get(new URL("captions.vtt", siteUrl).href);
      assert.match(await captions.text(), /^WEBVTT/);
      await page.getByRole("button", { name: /watch the pilot/i }).click();
      await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 2, null, {
        timeout: 30_000,
      });
    } finally {
      await browser.close();
    }
  });
});

describe("npm start: stopping", () => {
  it("stops the chain, the site and the gateways cleanly on Ctrl-C", async () => {
    // A stack of its own (started after the shared one has stopped): stopping the shared one
    // would break every test that ran after this one.
    const ownDir = await mkdtemp(join(tmpdir(), "peerpilot-start-stop-"));
    const own = await startStack(ownDir);
    try {
      const ownSiteUrl = field(own.output(), "site");
      const ownRpcUrl = field(own.output(), "chain \\(RPC\\)");
      const gateways = /IPFS gateways (\S+), (\S+)/.exec(own.output())?.slice(1) ?? [];
      assert.equal(gateways.length, 2);
      const code = await own.interrupt();
      assert.equal(code, 0);
      for (const url of [ownSiteUrl, ownRpcUrl, ...gateways])
        assert.equal(await portIsClosed(url), true, `${url} still answers`);
    } finally {
      await own.interrupt();
      await rm(ownDir, { recursive: true, force: true });
    }
  });
});

describe("startLocalStack(): the same stack for benchmarks and screenshots, in this process", () => {
  let dir: string;
  let local: LocalStack;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "peerpilot-local-stack-"));
    local = await startLocalStack({
      dir,
      chainPort: 0,
      sitePort: 0,
      trackerPort: 0,
      webSeedPort: 0,
      gatewayPorts: [0, 0],
      goalBackers: 2,
    });
  });

  afterAll(async () => {
    await local?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("returns the real URLs of the ports it was given as 0", () => {
    for (const url of [
      local.siteUrl,
      local.chain.url,
      local.tracker.wsAnnounce,
      local.webSeeds[0],
      ...local.gateways,
    ]) {
      assert.notEqual(new URL(url).port, "0", url);
      assert.notEqual(new URL(url).port, "", url);
    }
  });

  it("serves the watch page built from its manifest", async () => {
    const page = await fetch(local.siteUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1[^>]*>The Long Dark Between<\/h1>/);
  });

  it("runs a chain that has the escrow deployed with the options given", async () => {
    const provider = new JsonRpcProvider(local.chain.url, Network.from(local.chain.chainId), {
      staticNetwork: true,
    });
    try {
      const escrow = CampaignEscrow__factory.connect(local.escrow, provider);
      assert.equal(await escrow.goalBackers(), 2n);
      assert.equal(getAddress(await escrow.token()), local.token);
      assert.equal(local.manifest.escrow.address, local.escrow);
    } finally {
      provider.destroy();
    }
  });

  it("hands back the dev backer, funded with tUSD", async () => {
    assert.equal(local.backer.address, devAccount(DEV_ROLES.backer).address);
    const provider = new JsonRpcProvider(local.chain.url, Network.from(local.chain.chainId), {
      staticNetwork: true,
    });
    try {
      assert.ok(
        (await TestStablecoin__factory.connect(local.token, provider).balanceOf(local.backer.address)) > 0n,
      );
    } finally {
      provider.destroy();
    }
  });

  it("close() stops the site, the chain and the gateways", async () => {
    const own = await startLocalStack({ dir: await mkdtemp(join(tmpdir(), "peerpilot-local-stack-close-")) });
    try {
      await own.close();
      for (const url of [own.siteUrl, own.chain.url, ...own.gateways])
        assert.equal(await portIsClosed(url), true, `${url} still answers`);
    } finally {
      await own.close();
      await rm(dirname(own.manifestFile), { recursive: true, force: true });
    }
  });
});
