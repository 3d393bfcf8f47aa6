/**
 * `npm run verify`: checks the campaign's escrow on chain against the published source and the
 * manifest's parameters, the same check as the site's verify page (scripts/lib/verify/cli-report.ts).
 */
import { EXIT, command, repeatable, runCli } from "./lib/cli.ts";
import { addManifestOption } from "./lib/flags.ts";
import { verifyCommand } from "./lib/verify/cli-report.ts";

const cli = addManifestOption(
  command(
    "npm run verify --",
    "Checks that the escrow on chain is exactly the published CampaignEscrow with the manifest's parameters: its code byte for byte (immutables filled from the manifest), the metadata hash in the code against the published metadata, each source file against the metadata, the parameters, state and token read from every RPC at one block, and whether the RPCs agree. Prints each check with ✓ or ✗, then what you still trust and how to re-check it.",
    `${EXIT.ok} an exact match with every RPC agreeing, ${EXIT.failure} something differs (named), ${EXIT.usage} an RPC could not be reached (named: the others are still checked and printed) or bad usage.`,
  ),
)
  .option(
    "--rpc-url <url>",
    "an RPC to read too, e.g. your own node (repeatable; added to the manifest's)",
    repeatable(),
  )
  .option(
    "--artifact <dir>",
    "the published artifact (a site's escrow/ folder, with artifact.json). Default: made from this repository's Hardhat build (npx hardhat build), as the site build publishes it",
  )
  .action(async (options) => {
    process.exitCode = await verifyCommand({
      manifest: options.manifest,
      rpcUrls: options.rpcUrl,
      artifact: options.artifact,
    });
  });

runCli(cli);
