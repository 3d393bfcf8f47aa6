/**
 * `npm run verify`: checks the campaign's escrow on chain against the published source and the
 * manifest's parameters, the same check as the site's verify page (scripts/lib/verify/cli-report.ts).
 */
import { resolve } from "node:path";
import { manifestPath, readManifest } from "../site/lib/manifest-file.ts";
import { EXIT, parseCli, runCli, UserError } from "./lib/cli.ts";
import { artifactDirectoryLoader, hardhatBuildLoader, verifyFromTerminal } from "./lib/verify/cli-report.ts";
import { EscrowArtifactError } from "../site/lib/verify/escrow-artifact.ts";

const USAGE = `
Usage: npm run verify -- [options]

Checks that the escrow on chain is exactly the published CampaignEscrow with the manifest's
parameters: its code byte for byte (immutables filled from the manifest), the metadata hash in the
code against the published metadata, each source file against the metadata, the parameters,
state and token read from every RPC at one block, and whether the RPCs agree. Prints each check
with ✓ or ✗, then what you still trust and how to re-check it.

Options:
  --manifest <path>   the campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json)
  --rpc-url <url>     an RPC to read too, e.g. your own node (repeatable; added to the manifest's)
  --artifact <dir>    the published artifact (a site's escrow/ folder, with artifact.json).
                      Default: made from this repository's Hardhat build (npx hardhat build),
                      as the site build publishes it
  -h, --help          this help

Exit codes: 0 exact match and every RPC agrees; 1 something differs (named); 2 bad input, or an
RPC could not be reached (named: the others are still checked and printed).
`;

const ROOT = resolve(import.meta.dirname, "..");

async function main(): Promise<void> {
  const { values, positionals } = parseCli(USAGE, {
    manifest: { type: "string" },
    "rpc-url": { type: "string", multiple: true },
    artifact: { type: "string" },
  });
  if (positionals.length > 0)
    throw new UserError(`unexpected argument "${positionals[0]}". Run with --help for usage.`);
  const rpcUrls = values["rpc-url"] ?? [];
  for (const url of rpcUrls) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      throw new UserError(
        `--rpc-url: that is not an http(s) URL. Give the RPC's address, e.g. https://rpc.example.org.`,
      );
  }
  const manifestFile = resolve(values.manifest ?? manifestPath());
  const manifest = await readManifest(manifestFile);
  let loadFile;
  if (values.artifact !== undefined) loadFile = artifactDirectoryLoader(resolve(values.artifact));
  else {
    try {
      loadFile = await hardhatBuildLoader(ROOT);
    } catch (error) {
      if (error instanceof EscrowArtifactError) throw new UserError(error.message, EXIT.usage);
      throw error;
    }
  }
  process.exitCode = await verifyFromTerminal({
    manifest,
    manifestFile,
    loadFile,
    rpcUrls,
    write: (line) => process.stdout.write(`${line}\n`),
  });
}

runCli(main);
