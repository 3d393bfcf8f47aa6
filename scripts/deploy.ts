/** `npm run deploy`: deploys a CampaignEscrow and writes the manifest (scripts/lib/deploy-campaign.ts). */
import { command, flag, Option, progress, repeatable, runCli } from "./lib/cli.ts";
import { DEPLOY_NETWORKS, deployCampaign } from "./lib/deploy-campaign.ts";
import { addManifestOption, deadlineOption, goalOption, minPledgeOption } from "./lib/flags.ts";
import { parseAddress, parsePositiveInteger } from "./lib/parsers.ts";

const cli = addManifestOption(
  command(
    "npm run deploy --",
    "Deploys the escrow with Hardhat Ignition, then writes the addresses and parameters into the campaign manifest. Nothing is sent until every check passes: the addresses, the chain, the token, the parameters.",
  )
    .addOption(
      new Option(
        "--network <name>",
        "localhost: the chain of `npm start`, dev account #0 deploys; remote: any chain, PEERPILOT_RPC_URL and PEERPILOT_DEPLOYER_KEY from the environment (needs --chain-id and --public-rpc)",
      )
        .choices(DEPLOY_NETWORKS)
        .default("remote" as const),
    )
    .addOption(
      new Option("--token <address>", "the stablecoin pledges are made in")
        .makeOptionMandatory()
        .argParser(flag((value) => parseAddress(value, "token"))),
    )
    .addOption(
      new Option("--beneficiary <address>", "receives the funds if the goal is met")
        .makeOptionMandatory()
        .argParser(flag((value) => parseAddress(value, "beneficiary"))),
    )
    .addOption(goalOption())
    .addOption(minPledgeOption("whole tokens"))
    .addOption(deadlineOption())
    .option("--rpc-url <url>", "use this RPC URL instead of the network's (e.g. localhost on another port)")
    .addOption(
      new Option(
        "--chain-id <id>",
        "the chain you mean; any other chain is refused (required for remote)",
      ).argParser(flag((value) => parsePositiveInteger(value, "chain id"))),
    )
    .option("--chain-name <name>", 'shown on the site (default: "Chain <id>")')
    .option(
      "--public-rpc <url>",
      "RPC URL the site reads from (repeatable; never your private one)",
      repeatable(),
    )
    .option("--explorer <url>", "block explorer base URL, for links")
    .option("--title <text>", "campaign title (default: kept from the manifest)")
    .option("--tagline <text>", "campaign tagline (default: kept from the manifest)"),
  "the manifest to write",
)
  .option("--dry-run", "run every check, print the plan, send nothing")
  .action(async (options) => {
    const result = await deployCampaign({
      network: options.network,
      token: options.token,
      beneficiary: options.beneficiary,
      goalBackers: options.goal,
      minPledge: options.minPledge,
      deadline: options.deadline,
      rpcUrl: options.rpcUrl,
      chainId: options.chainId,
      chainName: options.chainName,
      publicRpcs: options.publicRpc,
      explorer: options.explorer,
      title: options.title,
      tagline: options.tagline,
      manifest: options.manifest,
      dryRun: options.dryRun,
      onProgress: progress,
    });
    if (result.deployed !== undefined) {
      process.stdout.write(
        `escrow ${result.deployed.escrow.address} deployed in block ${result.deployed.escrow.deployBlock}; manifest written to ${result.manifestFile}\n`,
      );
    }
  });

runCli(cli);
