/**
 * The ports `npm start` listens on, all on 127.0.0.1, unless told otherwise (a local stack
 * started in a test takes any free port). Hardhat's `localhost` network points at the chain's.
 */
export const START_PORTS = {
  chain: 8545,
  site: 4321,
  tracker: 8000,
  webSeed: 8001,
  gateways: [8080, 8081],
} as const;
