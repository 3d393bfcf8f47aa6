/**
 * `npm run seed`: the pilot's torrent written with the manifest's `torrent` section, then seeded to
 * browsers (WebRTC) and desktop clients (TCP) until Ctrl-C (scripts/lib/pilot/seed.ts).
 */
import { command, flag, Option, runCli } from "./lib/cli.ts";
import { parsePort } from "./lib/parsers.ts";
import { addManifestOption } from "./lib/flags.ts";
import { addTorrentOptions } from "./lib/pilot/cli-options.ts";
import { seedUntilStopped } from "./lib/pilot/seed.ts";

const cli = command(
  "npm run seed --",
  'Seeds the video as a torrent (BEP 19 web seeds included): writes the .torrent next to the campaign manifest and the manifest\'s "torrent" section, prints the magnet link, then seeds to browsers (WebRTC, through WebSocket trackers) and desktop clients (TCP) until Ctrl-C. A pilot prepared with npm run prepare-pilot is not hashed again: its pieces come from that pass (if the file has not changed since). Any other file is hashed first (one read).',
).argument("<video file>", "the pilot");
const withOptions = addManifestOption(addTorrentOptions(cli))
  .addOption(
    new Option("--port <n>", "TCP port for desktop clients (0 = any free port)")
      .default(6881)
      .argParser(flag(parsePort)),
  )
  .option(
    "--recheck",
    "read the file back and check every piece against its hash before seeding (a prepared pilot is otherwise trusted to be unchanged)",
  )
  .action((video, options) => seedUntilStopped(video, options));

runCli(withOptions);
