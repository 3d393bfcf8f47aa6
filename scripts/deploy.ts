/**
 * `npm run deploy`: deploys a CampaignEscrow with Hardhat Ignition and writes the campaign
 * manifest. Every parameter is checked against the chain before anything is sent.
 */
import { readFile } from "node:fs/promises";
import { network } from "hardhat";
import { REFERENCE_GOAL_BACKERS } from "./lib/reference-campaign.ts";
import { manifestPath, writeManifest } from "../site/lib/manifest-file.ts";
import { MANIFEST_VERSION, parseManifestJson, type ManifestInput } from "../site/lib/manifest.ts";
import { parseAddress, parseDeadline, parseGoal, parseTokenAmount } from "./lib/campaign-params.ts";
import { EXIT, parseCli, progress, runCli, UserError } from "./lib/cli.ts";
import {
  assertChain,
  checkEscrowParams,
  deployEscrow,
  latestBlockTime,
  readToken,
} from "./lib/deploy-campaign.ts";

const USAGE = `
Usage: npm run deploy -- --token <address> --beneficiary <address> [options]

Deploys the escrow with Hardhat Ignition, then writes the addresses and parameters into the
campaign manifest. Nothing is sent until every check below passes.

Networks:
  --network localhost   the chain of \`npm start\` (http://127.0.0.1:8545), dev account #0 deploys
  --network remote      any chain: PEERPILOT_RPC_URL and PEERPILOT_DEPLOYER_KEY from the
                        environment (default). Requires --chain-id and --public-rpc.

Options:
  --token <address>       the stablecoin pledges are made in (required)
  --beneficiary <address> receives the funds if the goal is met (required)
  --goal <backers>        goal in backers (default ${REFERENCE_GOAL_BACKERS})
  --min-pledge <amount>   smallest first pledge in token units, e.g. 9.95 (default 9.95)
  --deadline <when>       ISO 8601 date-time with zone, or +6w / +42d / +12h (default +6w)
  --rpc-url <url>         use this RPC URL instead of the network's (e.g. localhost on another port)
  --chain-id <id>         the chain you mean; any other chain is refused (required for remote)
  --chain-name <name>     shown on the site (default: "Chain <id>")
  --public-rpc <url>      RPC URL the site reads from (repeatable; never your private one)
  --explorer <url>        block explorer base URL, for links
  --title <text>          campaign title (default: kept from the manifest)
  --tagline <text>        campaign tagline (default: kept from the manifest)
  --manifest <path>       manifest to write (default $PEERPILOT_MANIFEST or ./campaign.json)
  --dry-run               run every check, print the plan, send nothing
  -h, --help              this help

Exit codes: 0 deployed (or dry run passed), 1 the deployment failed, 2 bad input (nothing sent).
`;

const LOCALHOST_RPC = "http://127.0.0.1:8545";

async function existingManifest(path: string) {
  const text = await readFile(path, "utf8").catch(() => undefined);
  return text === undefined ? undefined : parseManifestJson(text, path);
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    network: { type: "string", default: "remote" },
    token: { type: "string" },
    beneficiary: { type: "string" },
    goal: { type: "string", default: String(REFERENCE_GOAL_BACKERS) },
    "min-pledge": { type: "string", default: "9.95" },
    deadline: { type: "string", default: "+6w" },
    "rpc-url": { type: "string" },
    "chain-id": { type: "string" },
    "chain-name": { type: "string" },
    "public-rpc": { type: "string", multiple: true },
    explorer: { type: "string" },
    title: { type: "string" },
    tagline: { type: "string" },
    manifest: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  });
  const networkName = values.network;
  if (networkName !== "localhost" && networkName !== "remote") {
    throw new UserError(`--network "${networkName}" is not known: use localhost or remote.`);
  }
  const remote = networkName === "remote";
  const token = parseAddress(values.token, "--token");
  const beneficiary = parseAddress(values.beneficiary, "--beneficiary");
  const goalBackers = parseGoal(values.goal);
  const expectedChainId = values["chain-id"] === undefined ? undefined : Number(values["chain-id"]);
  if (expectedChainId !== undefined && (!Number.isSafeInteger(expectedChainId) || expectedChainId < 1)) {
    throw new UserError(`--chain-id "${values["chain-id"]}" is not a chain id.`);
  }
  if (remote) {
    const missing = ["PEERPILOT_RPC_URL", "PEERPILOT_DEPLOYER_KEY"].filter((name) => !process.env[name]);
    if (missing.length > 0)
      throw new UserError(`--network remote needs ${missing.join(" and ")} in the environment.`);
    if (expectedChainId === undefined)
      throw new UserError(
        "--network remote needs --chain-id, so a wrong RPC URL cannot deploy to the wrong chain.",
      );
    if (values["public-rpc"] === undefined) {
      throw new UserError(
        "--network remote needs --public-rpc <url>: the site must not embed PEERPILOT_RPC_URL, which may hold a key.",
      );
    }
  }
  const file = values.manifest ?? manifestPath();
  const previous = await existingManifest(file);

  progress(`Connecting to ${networkName}…`);
  const rpcUrl = values["rpc-url"];
  if (rpcUrl !== undefined && !/^https?:\/\/\S+$/.test(rpcUrl))
    throw new UserError(`--rpc-url "${rpcUrl}" is not an http(s) URL.`);
  const unreachable = (error: Error): never => {
    throw new UserError(
      `cannot reach the RPC endpoint of "${networkName}"${rpcUrl === undefined ? "" : ` (${rpcUrl})`}: ${error.message.split("\n")[0]} Check the URL and that the node is running; nothing was sent.`,
      EXIT.failure,
    );
  };
  const connection = await network
    .create(rpcUrl === undefined ? networkName : { network: networkName, override: { url: rpcUrl } })
    .catch(unreachable);
  try {
    const { provider } = connection.ethers;
    // The first request: an endpoint that does not answer gets the message naming it.
    await provider.getNetwork().catch(unreachable);
    const chainId = await assertChain(provider, expectedChainId);
    const tokenInfo = await readToken(provider, token);
    const minPledge = parseTokenAmount(values["min-pledge"], tokenInfo.decimals, "--min-pledge");
    const deadline = parseDeadline(values.deadline, await latestBlockTime(provider));
    const params = { token, beneficiary, goalBackers, minPledge, deadline };
    await checkEscrowParams(provider, params);
    progress(
      [
        `Chain ${chainId}: CampaignEscrow(`,
        `  token        ${token} (${tokenInfo.symbol}, ${tokenInfo.decimals} decimals)`,
        `  beneficiary  ${beneficiary}`,
        `  goalBackers  ${goalBackers}`,
        `  minPledge    ${minPledge} (${values["min-pledge"]} ${tokenInfo.symbol})`,
        `  deadline     ${deadline} (${new Date(Number(deadline) * 1000).toISOString()})`,
        ")",
      ].join("\n"),
    );
    if (values["dry-run"]) {
      progress("Dry run: every check passed; nothing was sent.");
      return;
    }
    const deployed = await deployEscrow(connection, params, { expectedChainId: chainId });
    // Remote deployments must name a public RPC (checked above); localhost is npm start's chain.
    const rpcUrls = values["public-rpc"] ?? [rpcUrl ?? LOCALHOST_RPC];
    const manifest: ManifestInput = {
      ...previous,
      version: MANIFEST_VERSION,
      campaign: {
        title: values.title ?? previous?.campaign.title ?? "Untitled pilot",
        tagline: values.tagline ?? previous?.campaign.tagline ?? "Watch the pilot free. Back the season.",
      },
      chain: {
        id: chainId,
        name: values["chain-name"] ?? (remote ? `Chain ${chainId}` : "Local Hardhat chain"),
        rpcUrls,
        ...(values.explorer === undefined ? {} : { explorerUrl: values.explorer }),
      },
      escrow: deployed.escrow,
    };
    await writeManifest(manifest, file);
    process.stdout.write(
      `escrow ${deployed.escrow.address} deployed in block ${deployed.escrow.deployBlock}; manifest written to ${file}\n`,
    );
  } finally {
    await connection.close();
  }
}

runCli(main);
