/**
 * The whole campaign on this machine, as `npm start` runs it (and benchmarks and screenshots
 * reuse it): a local chain on 127.0.0.1, a test stablecoin and the escrow deployed with the
 * reference parameters, dev accounts funded, a BitTorrent tracker, a web seed and a seeder for
 * the pilot, two local IPFS gateways serving the pilot and the built site (encoded as `npm run pin`
 * encodes them), the manifest written, the site built from it and served on 127.0.0.1.
 */
import { access, mkdir, rm } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { parseUnits } from "ethers";
import LocalStablecoinModule from "../../ignition/modules/LocalStablecoin.ts";
import {
  REFERENCE_DURATION,
  REFERENCE_GOAL_BACKERS,
  REFERENCE_MIN_PLEDGE,
  REFERENCE_TOKEN_DECIMALS,
} from "./reference-campaign.ts";
import type { Address } from "../../site/lib/address.ts";
import { writeManifest } from "../../site/lib/manifest-file.ts";
import { MANIFEST_VERSION, type Manifest, type ManifestInput } from "../../site/lib/manifest.ts";
import { buildSite } from "./build-site.ts";
import { parseDeadlineSpec, parseTokenAmount, resolveDeadline, type DeadlineSpec } from "./parsers.ts";
import {
  deployEscrow,
  IGNITION_DEPLOYMENTS_DIR,
  latestBlockTime,
  LOCAL_CHAIN_NAME,
} from "./deploy-campaign.ts";
import { DEV_ACCOUNT_COUNT, DEV_ROLES, devAccount, type DevAccount } from "./dev-accounts.ts";
import { CarBlockstore } from "./ipfs/car-blockstore.ts";
import { directoryCars } from "./ipfs/encoded-cars.ts";
import { preparePilot } from "./pilot/prepare.ts";
import { directoryFiles } from "./ipfs/files.ts";
import { startPathGateway, type PathGateway } from "./ipfs/gateway.ts";
import { pinnedPilot, pinnedSite } from "./ipfs/manifest-section.ts";
import { LOCAL_DEPLOYMENT_PREFIX, startLocalChain } from "./local-chain.ts";
import { torrentSection } from "./p2p/manifest-section.ts";
import { checkReadableFile } from "./readable-file.ts";
import { startSeeder } from "./p2p/seeder.ts";
import { startLocalTracker } from "./p2p/tracker.ts";
import { startStaticServer, startWebSeed } from "./static-server.ts";

/** What every local campaign is called. */
export const LOCAL_CAMPAIGN = {
  title: "The Long Dark Between",
  tagline: "A one-hour science-fiction pilot, free to watch. Back the season.",
} as const;
/**
 * The test stablecoin's decimals (tUSD, contracts/test/TestStablecoin.sol): it stands in for the
 * reference campaign's stablecoin, so it has its decimals.
 */
export const LOCAL_TOKEN_DECIMALS = REFERENCE_TOKEN_DECIMALS;
/** The sample pilot (made by scripts/make-sample-pilot.sh), with its captions beside it. */
export const SAMPLE_PILOT = "media/sample-pilot.mp4";
/** tUSD minted to every dev account. */
export const DEV_FUNDING = "1000";
/** How often the local tracker asks clients to announce again: quickly, on loopback. */
const LOCAL_ANNOUNCE_INTERVAL_MS = 10_000;

export interface LocalStackOptions {
  /** Where the manifest, the .torrent and the built site (`site/`) go. */
  dir: string;
  /** Ports on 127.0.0.1; 0 (the default for each) takes any free port. */
  chainPort?: number;
  sitePort?: number;
  trackerPort?: number;
  webSeedPort?: number;
  gatewayPorts?: readonly [number, number];
  /**
   * The video to seed (default {@link SAMPLE_PILOT}); `<name>.vtt` and `<name>.jpg` beside it become the
   * captions and the poster.
   */
  pilot?: string;
  /** Goal in backers (default the reference 250,000). */
  goalBackers?: number;
  /** Smallest first pledge in whole tUSD, as typed (default the reference campaign's). */
  minPledge?: string;
  /** A date-time, or an offset from the chain's time (default the reference six weeks). */
  deadline?: DeadlineSpec;
  /** Ignition's deployments folder, where stale local journals are removed (default ignition/deployments). */
  deploymentsDir?: string;
  /** Each step as it starts, e.g. "Starting the local chain…". */
  onProgress?: (message: string) => void;
}

export interface LocalStack {
  /** The watch page, e.g. http://127.0.0.1:4321/ (the real port when 0 was asked for). */
  siteUrl: string;
  chain: { url: string; chainId: number; name: string; nativeCurrency: Manifest["chain"]["nativeCurrency"] };
  escrow: Address;
  token: Address;
  /** Unix seconds. */
  deadline: bigint;
  tracker: { wsAnnounce: string; httpAnnounce: string };
  /** The pilot's web seeds: the local web seed first, then its URLs on the gateways. */
  webSeeds: string[];
  /** The two local gateways' origins. */
  gateways: string[];
  pilot: { name: string; infoHash: string; magnet: string; torrentPort: number; ipfsCid: string };
  /** The built site's URL on the first gateway. */
  siteOnIpfs: string;
  manifestFile: string;
  /** The manifest as written (validated, defaults filled in). */
  manifest: Manifest;
  siteDir: string;
  /** The dev account meant for a wallet: it holds {@link DEV_FUNDING} tUSD and test ETH. */
  backer: DevAccount;
  /** Stops everything this stack started, last started first. Safe to call twice. */
  close(): Promise<void>;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Starts the local campaign; on any failure, whatever had started is stopped before the error is thrown. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const onProgress = options.onProgress ?? (() => undefined);
  const gatewayPorts = options.gatewayPorts ?? [0, 0];
  const pilot = resolve(options.pilot ?? SAMPLE_PILOT);
  const captionsFile = pilot.replace(/\.[^./]+$/, ".vtt");
  const posterFile = pilot.replace(/\.[^./]+$/, ".jpg");
  const goalBackers = options.goalBackers ?? REFERENCE_GOAL_BACKERS;
  const minPledge = parseTokenAmount(
    options.minPledge ?? REFERENCE_MIN_PLEDGE,
    LOCAL_TOKEN_DECIMALS,
    "--min-pledge",
  );
  const dir = resolve(options.dir);
  const manifestFile = resolve(dir, "campaign.json");
  const deploymentsDir = resolve(options.deploymentsDir ?? IGNITION_DEPLOYMENTS_DIR);
  await checkReadableFile(pilot);

  onProgress("Starting the local chain…");
  const chain = await startLocalChain(options.chainPort ?? 0, deploymentsDir);
  // Journals named after the chain's port: two stacks running at once never share one.
  const deploymentPrefix = `${LOCAL_DEPLOYMENT_PREFIX}${new URL(chain.url).port}-`;
  const stops: (() => Promise<void>)[] = [
    async () => {
      for (const id of ["stablecoin", "campaign"])
        await rm(join(deploymentsDir, `${deploymentPrefix}${id}`), { recursive: true, force: true });
    },
    () => chain.close(),
  ];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
    })());
  try {
    const { connection } = chain;
    const deadline = resolveDeadline(
      options.deadline ?? parseDeadlineSpec(REFERENCE_DURATION),
      await latestBlockTime(connection.ethers.provider),
    );

    onProgress("Deploying the test stablecoin (tUSD) and the escrow with Ignition…");
    const deployer = devAccount(DEV_ROLES.deployer);
    const beneficiary = devAccount(DEV_ROLES.beneficiary);
    const { stablecoin } = await connection.ignition.deploy(LocalStablecoinModule, {
      defaultSender: deployer.address,
      deploymentId: `${deploymentPrefix}stablecoin`,
    });
    const token = (await stablecoin.getAddress()) as Address;
    const deployed = await deployEscrow(
      connection,
      { token, beneficiary: beneficiary.address, goalBackers, minPledge, deadline },
      { deploymentId: `${deploymentPrefix}campaign` },
    );

    onProgress(`Funding ${DEV_ACCOUNT_COUNT} dev accounts with ${DEV_FUNDING} tUSD each…`);
    const coin = await connection.ethers.getContractAt(
      "TestStablecoin",
      token,
      await connection.ethers.getSigner(deployer.address),
    );
    const funding = parseUnits(DEV_FUNDING, LOCAL_TOKEN_DECIMALS);
    for (let index = 0; index < DEV_ACCOUNT_COUNT; index++) {
      await (await coin.mint(devAccount(index).address, funding)).wait();
    }

    onProgress("Starting the tracker and the web seed…");
    const tracker = await startLocalTracker(options.trackerPort ?? 0, LOCAL_ANNOUNCE_INTERVAL_MS);
    stops.push(() => tracker.close());
    const webSeed = await startWebSeed(pilot, options.webSeedPort ?? 0);
    stops.push(() => webSeed.close());
    const trackers = [tracker.wsAnnounce, tracker.httpAnnounce];

    onProgress(
      "Reading the pilot once (torrent pieces, IPFS CID and CAR shards) and starting two local gateways…",
    );
    const blocks = new CarBlockstore();
    const gateways: PathGateway[] = [];
    for (const port of gatewayPorts) {
      const gateway = await startPathGateway({ store: blocks, port });
      stops.push(() => gateway.close());
      gateways.push(gateway);
    }
    const gatewayOrigins = gateways.map((gateway) => gateway.origin);
    // One read of the pilot for its pieces, CID and CARs; the gateways serve the CARs from disk.
    const prepared = await preparePilot(pilot, {
      carDir: resolve(dir, "car"),
      preparedDir: resolve(dir, "prepared"),
    });
    for (const car of prepared.carPaths) await blocks.add(car);
    const ipfsPilot = pinnedPilot(prepared.encoded, basename(pilot), gatewayOrigins);
    const webSeeds = [webSeed.fileUrl, ...ipfsPilot.urls];
    const seeder = await startSeeder({
      file: pilot,
      trackers,
      webSeeds,
      torrentPort: 0,
      pieces: prepared.torrent.pieces,
    });
    stops.push(() => seeder.close());
    await mkdir(dir, { recursive: true });
    const torrent = await torrentSection(seeder, resolve(dir, "pilot.torrent"), manifestFile, {
      trackers,
      webSeeds,
      iceServers: [],
      ...((await exists(captionsFile))
        ? { captions: { file: captionsFile, srclang: "en", label: "English" } }
        : {}),
      ...((await exists(posterFile)) ? { poster: posterFile } : {}),
    });

    const manifest: ManifestInput = {
      version: MANIFEST_VERSION,
      campaign: LOCAL_CAMPAIGN,
      chain: { id: deployed.chain.id, name: LOCAL_CHAIN_NAME, rpcUrls: [chain.url] },
      escrow: deployed.escrow,
      torrent,
      ipfs: { gateways: gatewayOrigins, pilot: ipfsPilot },
    };
    await writeManifest(manifest, manifestFile);

    onProgress("Building the site from the manifest…");
    const siteDir = resolve(dir, "site");
    await buildSite(manifestFile, siteDir);
    const site = await startStaticServer(siteDir, options.sitePort ?? 0);
    stops.push(() => site.close());
    // The built site on the gateways too, as `npm run pin -- <site>` would record it.
    const siteCars = await directoryCars(await directoryFiles(siteDir));
    for (const car of siteCars.cars) await blocks.add(car);
    const ipfsSite = pinnedSite(siteCars, gatewayOrigins);
    const written = await writeManifest(
      { ...manifest, ipfs: { gateways: gatewayOrigins, pilot: ipfsPilot, site: ipfsSite } },
      manifestFile,
    );

    return {
      siteUrl: `${site.url}/`,
      chain: {
        url: chain.url,
        chainId: chain.chainId,
        name: written.chain.name,
        nativeCurrency: written.chain.nativeCurrency,
      },
      escrow: deployed.escrow.address,
      token,
      deadline,
      tracker: { wsAnnounce: tracker.wsAnnounce, httpAnnounce: tracker.httpAnnounce },
      webSeeds,
      gateways: gatewayOrigins,
      pilot: {
        name: seeder.name,
        infoHash: seeder.infoHash,
        magnet: seeder.magnet,
        torrentPort: seeder.torrentPort,
        ipfsCid: ipfsPilot.cid,
      },
      siteOnIpfs: ipfsSite.urls[0],
      manifestFile,
      manifest: written,
      siteDir,
      backer: devAccount(DEV_ROLES.backer),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
