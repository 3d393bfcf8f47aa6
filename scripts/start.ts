/**
 * `npm start`: the whole campaign on this machine (scripts/lib/local-stack.ts), on the ports
 * given, with the URLs, the network to add to a wallet and the dev wallet printed. Ctrl-C stops
 * everything.
 */
import { REFERENCE_GOAL_BACKERS } from "./lib/reference-campaign.ts";
import { formatInteger } from "../site/lib/format.ts";
import { parseGoal } from "./lib/campaign-params.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";
import { DEV_FUNDING, SAMPLE_PILOT, startLocalStack, type LocalStack } from "./lib/local-stack.ts";

const USAGE = `
Usage: npm start [-- options]

Runs the whole campaign locally: chain, test stablecoin, escrow, manifest, site.

Options:
  --chain-port <port>   JSON-RPC port on 127.0.0.1 (default 8545; 0 = any free port)
  --site-port <port>    site port on 127.0.0.1 (default 4321; 0 = any free port)
  --tracker-port <port> BitTorrent tracker (HTTP + WebSocket) port (default 8000; 0 = any)
  --webseed-port <port> web seed (HTTP) port for the pilot (default 8001; 0 = any)
  --gateway-ports <a,b> the two local IPFS gateways' ports (default 8080,8081; 0,0 = any)
  --pilot <file>        the video to seed (default ${SAMPLE_PILOT}, with its .vtt
                        captions and .jpg poster when they exist)
  --goal <backers>      goal in backers (default ${REFERENCE_GOAL_BACKERS})
  --min-pledge <amount> smallest first pledge in tUSD (default 9.95)
  --deadline <when>     ISO 8601 date-time or +6w / +42d / +12h (default +6w)
  --dir <path>          where the manifest and the built site go (default .peerpilot/local)
  -h, --help            this help
`;

/** How much test ETH Hardhat gives every dev account. */
const DEV_ETH = 10_000;

function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65_535)
    throw new UserError(`${flag} "${value}" is not a port number (0-65535).`);
  return port;
}

/** What `npm start` prints once everything runs. */
function summary(stack: LocalStack): string {
  const { chain, backer } = stack;
  const symbol = chain.nativeCurrency.symbol;
  return [
    "",
    "peerpilot: the local campaign is running",
    "",
    `  site          ${stack.siteUrl}`,
    `  chain (RPC)   ${chain.url}  (chain id ${chain.chainId})`,
    `  escrow        ${stack.escrow}`,
    `  token (tUSD)  ${stack.token}`,
    `  deadline      ${new Date(Number(stack.deadline) * 1000).toISOString()}`,
    `  tracker       ${stack.tracker.wsAnnounce}  (desktop clients: ${stack.tracker.httpAnnounce})`,
    `  web seed      ${stack.webSeeds[0]}`,
    `  IPFS gateways ${stack.gateways.join(", ")}  (local stand-ins for public gateways)`,
    `  site on IPFS  ${stack.siteOnIpfs}`,
    `  pilot on IPFS ${stack.pilot.ipfsCid}`,
    `  pilot         ${stack.pilot.name}, info hash ${stack.pilot.infoHash}, seeding on TCP port ${stack.pilot.torrentPort}`,
    `  magnet        ${stack.pilot.magnet}`,
    `  manifest      ${stack.manifestFile}`,
    "",
    "  Add this network to your wallet (MetaMask: Settings > Networks > Add a network manually):",
    `    network     ${chain.name}`,
    `    RPC URL     ${chain.url}`,
    `    chain id    ${chain.chainId}`,
    `    currency    ${symbol}`,
    "",
    "  Dev backer to import into a wallet (a public test key: never send real funds to it):",
    `    address     ${backer.address}`,
    `    private key ${backer.privateKey}`,
    `    holds       ${DEV_FUNDING} tUSD and ${formatInteger(DEV_ETH)} test ${symbol}`,
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
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
  const gatewayPorts = values["gateway-ports"]
    .split(",")
    .map((port) => parsePort(port.trim(), "--gateway-ports"));
  if (gatewayPorts.length !== 2)
    throw new UserError(`--gateway-ports "${values["gateway-ports"]}": give two ports, e.g. 8080,8081.`);

  const stack = await startLocalStack({
    dir: values.dir,
    chainPort: parsePort(values["chain-port"], "--chain-port"),
    sitePort: parsePort(values["site-port"], "--site-port"),
    trackerPort: parsePort(values["tracker-port"], "--tracker-port"),
    webSeedPort: parsePort(values["webseed-port"], "--webseed-port"),
    gatewayPorts: [gatewayPorts[0], gatewayPorts[1]],
    pilot: values.pilot,
    goalBackers: parseGoal(values.goal),
    minPledge: values["min-pledge"],
    deadline: values.deadline,
    onProgress: progress,
  });
  process.stdout.write(summary(stack));

  await new Promise<void>((done) => {
    const onSignal = (signal: NodeJS.Signals) => {
      progress(`\n${signal}: stopping the site and the chain…`);
      stack.close().then(done, done);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  progress("Stopped.");
}

runCli(main);
