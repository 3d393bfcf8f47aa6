/**
 * The reference campaign, the one place its numbers are written: a one-hour pilot, 250,000
 * backers pledging at least 9.95 of a 6-decimals stablecoin, six weeks to get there. The deploy
 * and start commands take these as their defaults, the Ignition module as its parameters'
 * defaults, and the tests and benchmarks as their campaign.
 */
import { parseUnits } from "ethers";

export const REFERENCE_GOAL_BACKERS = 250_000;
/** The smallest first pledge as a producer types it, in whole tokens. */
export const REFERENCE_MIN_PLEDGE = "9.95";
/** The reference stablecoin's decimals (USDC's). */
export const REFERENCE_TOKEN_DECIMALS = 6;
/** {@link REFERENCE_MIN_PLEDGE} in the token's smallest unit (9,950,000). */
export const REFERENCE_MIN_PLEDGE_UNITS = parseUnits(REFERENCE_MIN_PLEDGE, REFERENCE_TOKEN_DECIMALS);
/** How long pledges stay open, as the deadline flags take it: six weeks from the deployment. */
export const REFERENCE_DURATION = "+6w";
