/**
 * Hardhat Ignition module for the escrow. Parameters (module id `CampaignEscrow`):
 * - `token` (required): the ERC-20 stablecoin.
 * - `beneficiary` (required): receives the funds if the goal is met.
 * - `goalBackers`: defaults to the reference campaign's (scripts/lib/reference-campaign.ts).
 * - `minPledge`: smallest first pledge in the token's smallest unit; defaults to the reference
 *   campaign's.
 * - `deadline` (required): Unix seconds. A module default must be a constant, and "some weeks from
 *   now" is not one, so `npm run deploy` computes it (default: 6 weeks ahead).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { REFERENCE_GOAL_BACKERS, REFERENCE_MIN_PLEDGE_UNITS } from "../../scripts/lib/reference-campaign.ts";

export default buildModule("CampaignEscrow", (m) => {
  const token = m.getParameter<string>("token");
  const beneficiary = m.getParameter<string>("beneficiary");
  const goalBackers = m.getParameter("goalBackers", REFERENCE_GOAL_BACKERS);
  const minPledge = m.getParameter("minPledge", REFERENCE_MIN_PLEDGE_UNITS);
  const deadline = m.getParameter<bigint>("deadline");
  const escrow = m.contract("CampaignEscrow", [token, beneficiary, goalBackers, minPledge, deadline]);
  return { escrow };
});
