/**
 * `npm run pin`: the pilot (a file) or the built site (a directory) pinned to IPFS through
 * Storacha, its CIDs computed locally first and recorded in the manifest (scripts/lib/pilot/pin.ts).
 */
import { command, runCli } from "./lib/cli.ts";
import { DELEGATION_COMMAND, KEY_ENV, PROOF_ENV } from "./lib/ipfs/credentials.ts";
import { RECEIPTS_URL_ENV, SERVICE_DID_ENV, SERVICE_URL_ENV } from "./lib/ipfs/upload.ts";
import { addManifestOption } from "./lib/flags.ts";
import { addIpfsOptions } from "./lib/pilot/cli-options.ts";
import { pinContent } from "./lib/pilot/pin.ts";

const CREDENTIALS_HELP = [
  "",
  "Credentials (never printed, never written):",
  `  ${KEY_ENV.padEnd(20)} the agent's private key (storacha key create)`,
  `  ${PROOF_ENV.padEnd(20)} the space's delegation to that agent, base64 (${DELEGATION_COMMAND})`,
  `  ${SERVICE_URL_ENV}, ${SERVICE_DID_ENV}, ${RECEIPTS_URL_ENV}`,
  `  ${"".padEnd(20)} another upload service (default: Storacha's)`,
].join("\n");

const cli = command(
  "npm run pin --",
  "Pins the pilot (a file) or the built site (a directory, e.g. dist/) to IPFS through Storacha. First computes the root CID and the CAR shards locally, exactly as the upload client's encoder makes them (CIDv1, raw leaves, 1 MiB chunks, balanced layout 1,024 links wide); then uploads and checks that the service stored exactly those. Writes the CIDs and gateway URLs into the campaign manifest (\"ipfs\" section); a pinned pilot's gateway URLs also become the torrent's web seeds. A pilot prepared with npm run prepare-pilot (into the same --car-dir, and unchanged since) is not read again; any other pilot file is prepared first (one read).",
)
  .argument("<pilot file | built site directory>", "what to pin")
  .option("--offline", "compute the CID and write the CAR file(s) only: no credentials, no network")
  .addHelpText("after", CREDENTIALS_HELP);
const withOptions = addManifestOption(
  addIpfsOptions(cli),
  "the campaign manifest; if it does not exist, the CIDs are printed and nothing is recorded",
).action(async (target, options) => {
  process.stdout.write(`${(await pinContent(target, options)).report.join("\n")}\n`);
});

runCli(withOptions);
