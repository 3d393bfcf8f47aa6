/**
 * CampaignEscrow.State: the value `state()` returns and `WrongState` carries, in the contract's
 * enum order. Its own module, so a page that only shows the state (site/lib/progress-view.ts) does not
 * pull the back page's ABI strings (site/lib/back/escrow-abi.ts) into its bundle.
 */
export const CampaignState = { Funding: 0, Succeeded: 1, Failed: 2, Released: 3 } as const;
export type CampaignState = (typeof CampaignState)[keyof typeof CampaignState];
