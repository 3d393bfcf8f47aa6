/**
 * `npm run bench`: prints the project's benchmark figures (the README's tables come from here).
 */
import { gasTable, measureGas } from "./bench/gas.ts";
import { parseCli, progress, runCli, UserError } from "./lib/cli.ts";

const USAGE = `
Usage: npm run bench [-- options]

Measures and prints:
  gas    gas of every escrow function (min/median/max) and its cost in USD on L1 and L2

Options:
  --eth-price <usd>   ETH price in USD for the cost columns (default 3000)
  --l1-gwei <gwei>    L1 gas price (default 10)
  --l2-gwei <gwei>    L2 gas price (default 0.01)
  -h, --help          this help
`;

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UserError(`${flag} "${value}" must be a positive number.`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseCli(USAGE, {
    "eth-price": { type: "string", default: "3000" },
    "l1-gwei": { type: "string", default: "10" },
    "l2-gwei": { type: "string", default: "0.01" },
  });
  const prices = {
    ethUsd: positive(values["eth-price"], "--eth-price"),
    l1Gwei: positive(values["l1-gwei"], "--l1-gwei"),
    l2Gwei: positive(values["l2-gwei"], "--l2-gwei"),
  };
  progress("gas: measuring every escrow function on the in-process EVM…");
  const samples = await measureGas();
  process.stdout.write(`\n## Escrow gas (ETH at $${prices.ethUsd})\n\n${gasTable(samples, prices)}\n`);
}

runCli(main);
