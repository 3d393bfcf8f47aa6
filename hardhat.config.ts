import { createRequire } from "node:module";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatIgnitionEthers from "@nomicfoundation/hardhat-ignition-ethers";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import hardhatVerify from "@nomicfoundation/hardhat-verify";
import { configVariable, defineConfig } from "hardhat/config";
import { testSummaryTasks } from "./scripts/hardhat/test-summary-line.ts";
import { START_PORTS } from "./scripts/lib/local-ports.ts";

// Compile offline: Hardhat would download solc, so point it at the npm `solc`
// package's wasm build and take the version from that same (exactly pinned) package.
const require = createRequire(import.meta.url);
const solcVersion = (require("solc/package.json") as { version: string }).version;
const solcPath = require.resolve("solc/soljson.js");
const optimizer = { enabled: true, runs: 1_000_000 };

// `npm run test:deep` sets PEERPILOT_DEEP=1: at least 10,000 fuzz and invariant runs.
const deep = process.env.PEERPILOT_DEEP === "1";

export default defineConfig({
  // ethers v6 with TypeChain's types (types/ethers-contracts/, written by `hardhat build`) and
  // Ignition deploying through ethers. The TypeScript tests run on Vitest (vitest.config.ts), not
  // through Hardhat: `hardhat test` runs the Solidity tests alone.
  plugins: [
    hardhatEthers,
    hardhatTypechain,
    hardhatNetworkHelpers,
    hardhatIgnitionEthers,
    hardhatKeystore,
    hardhatVerify,
  ],
  tasks: testSummaryTasks,
  solidity: {
    profiles: {
      default: { version: solcVersion, path: solcPath, settings: { optimizer } },
      production: { version: solcVersion, path: solcPath, settings: { optimizer } },
    },
  },
  paths: {
    tests: { solidity: "test/contracts" },
  },
  test: {
    solidity: {
      fuzz: { runs: deep ? 10_000 : 512 },
      invariant: { runs: deep ? 10_000 : 256, depth: deep ? 100 : 50, failOnRevert: true },
    },
  },
  networks: {
    // `npm start`'s chain: a Hardhat node on 127.0.0.1 (see scripts/lib/local-chain.ts).
    localhost: { type: "http", chainType: "l1", url: `http://127.0.0.1:${START_PORTS.chain}` },
    // Any real network: `PEERPILOT_RPC_URL` and `PEERPILOT_DEPLOYER_KEY` in the environment.
    remote: {
      type: "http",
      chainType: "l1",
      url: configVariable("PEERPILOT_RPC_URL"),
      accounts: [configVariable("PEERPILOT_DEPLOYER_KEY")],
    },
  },
});
