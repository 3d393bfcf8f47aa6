/**
 * Hardhat Ignition module for the local stack's test stablecoin (6 decimals, EIP-2612 permit,
 * open mint). Never deploy it to a real network: real campaigns use a real stablecoin.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("LocalStablecoin", (m) => {
  const name = m.getParameter("name", "Test USD");
  const symbol = m.getParameter("symbol", "tUSD");
  const stablecoin = m.contract("TestStablecoin", [name, symbol]);
  return { stablecoin };
});
