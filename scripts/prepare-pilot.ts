/**
 * `npm run prepare-pilot`: the pilot read once into its .torrent, its IPFS root CID and CAR shards,
 * and the manifest's `torrent` and `ipfs.pilot` sections (scripts/lib/pilot/prepare-to-publish.ts).
 */
import { command, runCli } from "./lib/cli.ts";
import { addManifestOption } from "./lib/flags.ts";
import { addIpfsOptions, addTorrentOptions } from "./lib/pilot/cli-options.ts";
import { prepareToPublish } from "./lib/pilot/prepare-to-publish.ts";

const cli = command(
  "npm run prepare-pilot --",
  'Reads the pilot once and, from those bytes, writes its torrent (the .torrent, BitTorrent v1 pieces and info hash, next to the campaign manifest), its IPFS root CID and CAR shards as <car dir>/<shard cid>.car (exactly what the Storacha client would upload: CIDv1, raw leaves, 1 MiB chunks, balanced layout 1,024 links wide), and the manifest\'s "torrent" and "ipfs.pilot" sections, the pilot\'s gateway URLs among the torrent\'s web seeds. Then npm run pin uploads these CAR shards and npm run seed seeds this torrent, neither reading the pilot again (unless it changed since).',
).argument("<pilot file>", "the pilot video");
const withOptions = addManifestOption(
  addIpfsOptions(addTorrentOptions(cli)),
  "the campaign manifest; if it does not exist yet (before npm run deploy), nothing is recorded there, and pin and seed record it later from this same pass",
).action(async (pilot, options) => {
  process.stdout.write(`${(await prepareToPublish(pilot, options)).report.join("\n")}\n`);
});

runCli(withOptions);
