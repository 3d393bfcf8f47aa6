/** `npm start`: the whole campaign on this machine (scripts/lib/start-command.ts). */
import { command, flag, Option, runCli } from "./lib/cli.ts";
import { deadlineOption, goalOption, minPledgeOption, portOption } from "./lib/flags.ts";
import { SAMPLE_PILOT } from "./lib/local-stack.ts";
import { parsePortList } from "./lib/parsers.ts";
import { START_PORTS } from "./lib/local-ports.ts";
import { runLocalCampaign } from "./lib/start-command.ts";

const cli = command(
  "npm start",
  "Runs the whole campaign locally: chain, test stablecoin, escrow, tracker, web seed, IPFS gateways, manifest, site. Ctrl-C stops everything.",
)
  .addOption(
    portOption("--chain-port <port>", "JSON-RPC port on 127.0.0.1 (0 = any free port)", START_PORTS.chain),
  )
  .addOption(portOption("--site-port <port>", "site port on 127.0.0.1 (0 = any free port)", START_PORTS.site))
  .addOption(
    portOption(
      "--tracker-port <port>",
      "BitTorrent tracker (HTTP + WebSocket) port (0 = any)",
      START_PORTS.tracker,
    ),
  )
  .addOption(
    portOption("--webseed-port <port>", "web seed (HTTP) port for the pilot (0 = any)", START_PORTS.webSeed),
  )
  .addOption(
    new Option("--gateway-ports <a,b>", "the two local IPFS gateways' ports (0,0 = any)")
      .default(START_PORTS.gateways as readonly number[], START_PORTS.gateways.join(","))
      .argParser(flag((value) => parsePortList(value, 2))),
  )
  .option(
    "--pilot <file>",
    "the video to seed, with its .vtt captions and .jpg poster when they exist",
    SAMPLE_PILOT,
  )
  .addOption(goalOption())
  .addOption(minPledgeOption("tUSD"))
  .addOption(deadlineOption())
  .option("--dir <path>", "where the manifest and the built site go", ".peerpilot/local")
  .action(async (options) => {
    const [first, second] = options.gatewayPorts;
    await runLocalCampaign({
      dir: options.dir,
      chainPort: options.chainPort,
      sitePort: options.sitePort,
      trackerPort: options.trackerPort,
      webSeedPort: options.webseedPort,
      gatewayPorts: [first, second],
      pilot: options.pilot,
      goalBackers: options.goal,
      minPledge: options.minPledge,
      deadline: options.deadline,
    });
  });

runCli(cli);
