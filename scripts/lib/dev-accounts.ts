/**
 * The local chain's well-known dev accounts (Hardhat's default mnemonic). Their keys are public:
 * never send real funds to them.
 */
import { bytesToHex, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNT_COUNT = 20;

export interface DevAccount {
  index: number;
  address: Address;
  privateKey: Hex;
}

/** Dev account `index` with its private key. */
export function devAccount(index: number): DevAccount {
  const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (key === null) throw new Error(`no private key derived for dev account ${index}`);
  return { index, address: account.address, privateKey: bytesToHex(key) };
}

/** Roles on the local chain. */
export const DEV_ROLES = { deployer: 0, beneficiary: 1, backer: 2 } as const;
