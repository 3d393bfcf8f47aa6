/**
 * `npm start`: the whole campaign on this machine. A local chain on 127.0.0.1, a test stablecoin
 * and the escrow deployed with the reference parameters, dev accounts funded, a BitTorrent tracker,
 * a web seed and a seeder for the sample pilot, two local IPFS gateways serving the pilot and the
 * built site (encoded as `npm run pin` encodes them), the manifest written, the site built from it
 * and served on 127.0.0.1. Ctrl-C stops everything.
 */
import { access, mkdir } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseUnits } from "ethers";
import LocalStablecoinModule from "../ignition/modules/LocalStablecoin.ts";
import { REFERENCE_GOAL_BACKERS } from "../ignition/modules/CampaignEscrow.ts";
import type { Address } from "../site/lib/address.ts";
import { writeManifest } from "../site/lib/manifest-file.ts";
import { MANIFEST_VERSION, type ManifestInput } from "../site/lib/manifest.ts";
import { buildSite } from "./lib/build-site.ts";
import { CarBlockstore } from "./lib/ipfs/car-blockstore.ts";
import { directoryCars, fileCars } from "./lib/ipfs/encoded-cars.ts";
import { directoryFiles, fileFromPath } from "./lib/ipfs/files.ts";
import { startTrustlessGateway, type TrustlessGateway } from "./lib/ipfs/gateway.ts";
import { pinnedPilot, pinnedSite } from "./lib/ipfs/manifest-section.ts";
import { parseDeadline, parseGoal, parseTokenAmount } from "./lib/campaign-params.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";
import { deployEscrow, latestBlockTime } from "./lib/deploy-campaign.ts";
import { DEV_ACCOUNT_COUNT, DEV_ROLES, devAccount } from "./lib/dev-accounts.ts";
import { LOCAL_DEPLOYMENT_PREFIX, startLocalChain } from "./lib/local-chain.ts";
import { torrentSection } from "./lib/p2p/manifest-section.ts";
import { startSeeder } from "./lib/p2p/seeder.ts";
import { startLocalTracker } from "./lib/p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "./lib/static-server.ts";

const USAGE = `
Usage: npm start [-- options]

Runs the whole campaign locally: chain, test stablecoin, escrow, manifest, site.

Options:
  --chain-port <port>   JSON-RPC port on 127.0.0.1 (default 8545; 0 = any free port)
  --site-port <port>    site port on 127.0.0.1 (default 4321; 0 = any free port)
  --tracker-port <port> BitTorrent tracker (HTTP + WebSocket) port (default 8000; 0 = any)
  --webseed-port <port> web seed (HTTP) port for the pilot (default 8001; 0 = any)
  --gateway-ports <a,b> the two local IPFS gateways' ports (default 8080,8081; 0,0 = any)
  --pilot <file>        the video to seed (default media/sample-pilot.mp4, with its .vtt)
  --goal <backers>      goal in backers (default ${REFERENCE_GOAL_BACKERS})
  --min-pledge <amount> smallest first pledge in tUSD (default 9.95)
  --deadline <when>     ISO 8601 date-time or +6w / +42d / +12h (default +6w)
  --dir <path>          where the manifest and the built site go (default .peerpilot/local)
  -h, --help            this help
`;

/** What every local campaign is called. */
const LOCAL_CAMPAIGN = {
  title: "The Long Dark Between",
  tagline: "A one-hour science-fiction pilot, free to watch. Back the season.",
};
const TOKEN_DECIMALS = 6;
/** The sample pilot and its captions (made by scripts/make-sample-pilot.sh). */
const SAMPLE_PILOT = "media/sample-pilot.mp4";
/** How often the local tracker asks clients to announce again: quickly, on loopback. */
const LOCAL_ANNOUNCE_INTERVAL_MS = 10_000;
/** tUSD minted to every dev account. */
const DEV_FUNDING = "1000";

function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535) throw new UserError(`${flag} "${value}" is not a port number (0-65535).`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    "chain-port": { type: "string", default: "8545" },
    "site-port": { type: "string", default: "4321" },
    "tracker-port": { type: "string", default: "8000" },
    "webseed-port": { type: "string", default: "8001" },
    "gateway-ports": { type: "string", default: "8080,8081" },
    pilot: { type: "string", default: SAMPLE_PILOT },
    goal: { type: "string", default: String(REFERENCE_GOAL_BACKERS) },
    "min-pledge": { type: "string", default: "9.95" },
    deadline: { type: "string", default: "+6w" },
    dir: { type: "string", default: ".peerpilot/local" },
  });
  const chainPort = parsePort(values["chain-port"], "--chain-port");
  const sitePort = parsePort(values["site-port"], "--site-port");
  const trackerPort = parsePort(values["tracker-port"], "--tracker-port");
  const webSeedPort = parsePort(values["webseed-port"], "--webseed-port");
  const gatewayPorts = values["gateway-ports"].split(",").map((port) => parsePort(port.trim(), "--gateway-ports"));
  if (gatewayPorts.length !== 2) throw new UserError(`--gateway-ports "${values["gateway-ports"]}": give two ports, e.g. 8080,8081.`);
  const pilot = resolve(values.pilot);
  const captionsFile = pilot.replace(/\.[^./]+$/, ".vtt");
  const goalBackers = parseGoal(values.goal);
  const minPledge = parseTokenAmount(values["min-pledge"], TOKEN_DECIMALS, "--min-pledge");
  const dir = resolve(values.dir);
  const manifestFile = resolve(dir, "campaign.json");

  progress("Starting the local chain…");
  const chain = await startLocalChain(chainPort, resolve("ignition/deployments"));
  const stops: (() => Promise<void>)[] = [chain.close];
  const stop = async () => {
    for (const close of [...stops].reverse()) await close().catch(() => undefined);
  };
  try {
    const { connection } = chain;
    const deadline = parseDeadline(values.deadline, await latestBlockTime(connection.ethers.provider));

    progress("Deploying the test stablecoin (tUSD) and the escrow with Ignition…");
    const deployer = devAccount(DEV_ROLES.deployer);
    const beneficiary = devAccount(DEV_ROLES.beneficiary);
    const { stablecoin } = await connection.ignition.deploy(LocalStablecoinModule, {
      defaultSender: deployer.address,
      deploymentId: `${LOCAL_DEPLOYMENT_PREFIX}stablecoin`,
    });
    const token = (await stablecoin.getAddress()) as Address;
    const deployed = await deployEscrow(connection, {
      token,
      beneficiary: beneficiary.address,
      goalBackers,
      minPledge,
      deadline,
    }, { deploymentId: `${LOCAL_DEPLOYMENT_PREFIX}campaign` });

    progress(`Funding ${DEV_ACCOUNT_COUNT} dev accounts with ${DEV_FUNDING} tUSD each…`);
    const coin = await connection.ethers.getContractAt("TestStablecoin", token, await connection.ethers.getSigner(deployer.address));
    const funding = parseUnits(DEV_FUNDING, TOKEN_DECIMALS);
    for (let index = 0; index < DEV_ACCOUNT_COUNT; index++) {
      await (await coin.mint(devAccount(index).address, funding)).wait();
    }

    progress("Starting the tracker and the web seed, hashing and seeding the pilot…");
    const tracker = await startLocalTracker(trackerPort, LOCAL_ANNOUNCE_INTERVAL_MS);
    stops.push(tracker.close);
    const webSeed = await startWebSeed(pilot, webSeedPort);
    stops.push(webSeed.close);
    const trackers = [tracker.wsAnnounce, tracker.httpAnnounce];

    progress("Encoding the pilot for IPFS and starting two local gateways…");
    const blocks = new CarBlockstore();
    const gateways: TrustlessGateway[] = [];
    for (const port of gatewayPorts) {
      const gateway = await startTrustlessGateway({ store: blocks, port });
      stops.push(gateway.close);
      gateways.push(gateway);
    }
    const gatewayOrigins = gateways.map((gateway) => gateway.origin);
    const pilotCars = await fileCars(await fileFromPath(pilot));
    for (const car of pilotCars.cars) await blocks.add(car);
    const ipfsPilot = pinnedPilot(pilotCars, basename(pilot), gatewayOrigins);
    const webSeeds = [webSeed.fileUrl, ...ipfsPilot.urls];
    const seeder = await startSeeder({ file: pilot, trackers, webSeeds, torrentPort: 0 });
    stops.push(seeder.close);
    const hasCaptions = await access(captionsFile).then(() => true, () => false);
    await mkdir(dir, { recursive: true });
    const torrent = await torrentSection(seeder, resolve(dir, "pilot.torrent"), manifestFile, {
      trackers,
      webSeeds,
      iceServers: [],
      ...(hasCaptions ? { captions: { file: captionsFile, srclang: "en", label: "English" } } : {}),
    });

    const manifest: ManifestInput = {
      version: MANIFEST_VERSION,
      campaign: LOCAL_CAMPAIGN,
      chain: { id: deployed.chain.id, name: "Local Hardhat chain", rpcUrls: [chain.url] },
      escrow: deployed.escrow,
      torrent,
      ipfs: { gateways: gatewayOrigins, pilot: ipfsPilot },
    };
    await writeManifest(manifest, manifestFile);

    progress("Building the site from the manifest…");
    const siteDir = resolve(dir, "site");
    await buildSite(manifestFile, siteDir);
    const site = await startStaticServer(siteDir, sitePort);
    stops.push(site.close);
    // The built site on the gateways too, as `npm run pin -- <site>` would record it.
    const siteCars = await directoryCars(await directoryFiles(siteDir));
    for (const car of siteCars.cars) await blocks.add(car);
    const ipfsSite = pinnedSite(siteCars, gatewayOrigins);
    await writeManifest({ ...manifest, ipfs: { gateways: gatewayOrigins, pilot: ipfsPilot, site: ipfsSite } }, manifestFile);

    const backer = devAccount(DEV_ROLES.backer);
    process.stdout.write(
      [
        "",
        "peerpilot: the local campaign is running",
        "",
        `  site          ${site.url}/`,
        `  chain (RPC)   ${chain.url}  (chain id ${chain.chainId})`,
        `  escrow        ${deployed.escrow.address}`,
        `  token (tUSD)  ${token}`,
        `  deadline      ${new Date(Number(deadline) * 1000).toISOString()}`,
        `  tracker       ${tracker.wsAnnounce}  (desktop clients: ${tracker.httpAnnounce})`,
        `  web seed      ${webSeeds[0]}`,
        `  IPFS gateways ${gatewayOrigins.join(", ")}  (local stand-ins for public gateways)`,
        `  site on IPFS  ${ipfsSite.urls[0]}`,
        `  pilot on IPFS ${ipfsPilot.cid}`,
        `  pilot         ${seeder.name}, info hash ${seeder.infoHash}, seeding on TCP port ${seeder.torrentPort}`,
        `  magnet        ${seeder.magnet}`,
        `  manifest      ${manifestFile}`,
        "",
        "  Dev backer to import into a wallet (a public test key: never send real funds to it):",
        `    address     ${backer.address}`,
        `    private key ${backer.privateKey}`,
        `    holds       ${DEV_FUNDING} tUSD and 10,000 test ETH`,
        "",
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  await new Promise<void>((done) => {
    const onSignal = (signal: NodeJS.Signals) => {
      progress(`\n${signal}: stopping the site and the chain…`);
      stop().then(done, done);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  progress("Stopped.");
}

runCli(main);
