/**
 * The local chain's well-known dev accounts (Hardhat's default mnemonic). Their keys are public:
 * never send real funds to them.
 */
import { HDNodeWallet } from "ethers";
import type { Address, Hex } from "../../site/lib/address.ts";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNT_COUNT = 20;
/** BIP-44 path of Ethereum's first account chain: dev account `i` is `${DEV_PATH}/${i}`. */
const DEV_PATH = "m/44'/60'/0'/0";

export interface DevAccount {
  index: number;
  address: Address;
  privateKey: Hex;
}

/** The parent node of every dev account, derived once (the mnemonic's seed costs a PBKDF2). */
let parent: HDNodeWallet | undefined;

/** Dev account `index` with its private key. */
export function devAccount(index: number): DevAccount {
  parent ??= HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, DEV_PATH);
  const wallet = parent.deriveChild(index);
  return { index, address: wallet.address as Address, privateKey: wallet.privateKey as Hex };
}

/** Roles on the local chain. */
export const DEV_ROLES = { deployer: 0, beneficiary: 1, backer: 2 } as const;
