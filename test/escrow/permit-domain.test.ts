/**
 * readPermitDomain (site/lib/permit.ts) on a real chain, through ethers' BrowserProvider over
 * Hardhat's EIP-1193 provider and the page's token ABI, as the back page reads it: the domain a
 * wallet signs a permit in must be the one the token verifies.
 */
import assert from "node:assert/strict";
import { BrowserProvider, Contract, Interface, TypedDataEncoder } from "ethers";
import { describe, it } from "vitest";
import type { Address } from "../../site/lib/address.ts";
import { TOKEN_ABI } from "../../site/lib/back/escrow-abi.ts";
import { permitTypedData, readPermitDomain, splitSignature } from "../../site/lib/permit.ts";
import { connect, DAY, deployCampaign, MIN_PLEDGE } from "./fixture.ts";

describe("readPermitDomain", async () => {
  const conn = await connect();
  const { ethers, networkHelpers } = conn;
  const wallet = new BrowserProvider(conn.provider, undefined, {
    cacheTimeout: -1,
  });
  const { chainId } = await wallet.getNetwork();

  async function tokens() {
    const c = await deployCampaign(conn);
    const plain = await ethers.deployContract("FeeOnTransferToken", [100n]);
    return {
      ...c,
      tokenAddress: (await c.token.getAddress()) as Address,
      plainAddress: (await plain.getAddress()) as Address,
    };
  }

  it("reads OpenZeppelin's ERC20Permit domain through EIP-5267: its name, version 1, the chain and the token", async () => {
    const { tokenAddress } = await networkHelpers.loadFixture(tokens);
    const domain = await readPermitDomain(
      new Contract(tokenAddress, TOKEN_ABI, wallet),
      chainId,
      tokenAddress,
    );
    assert.deepEqual(domain, {
      name: "Test USD",
      version: "1",
      chainId: Number(chainId),
      verifyingContract: tokenAddress,
    });
  });

  it("builds the same domain from name() and the default version when the ABI has no eip712Domain() or version()", async () => {
    const { tokenAddress, token } = await networkHelpers.loadFixture(tokens);
    const narrow = TOKEN_ABI.filter((fragment) => !/function (eip712Domain|version)\(/.test(fragment));
    const domain = await readPermitDomain(new Contract(tokenAddress, narrow, wallet), chainId, tokenAddress);
    assert.ok(domain !== undefined);
    assert.equal(TypedDataEncoder.hashDomain(domain), await token.DOMAIN_SEPARATOR());
    assert.equal(domain.version, "1");
  });

  it("finds no permit in a token without one", async () => {
    const { plainAddress } = await networkHelpers.loadFixture(tokens);
    assert.equal(
      await readPermitDomain(new Contract(plainAddress, TOKEN_ABI, wallet), chainId, plainAddress),
      undefined,
    );
  });

  it("finds no permit at an address without code", async () => {
    const [somebody] = await ethers.getSigners();
    const address = somebody.address as Address;
    assert.equal(
      await readPermitDomain(new Contract(address, TOKEN_ABI, wallet), chainId, address),
      undefined,
    );
  });

  it("refuses a domain that does not match the token's DOMAIN_SEPARATOR (another chain id)", async () => {
    const { tokenAddress } = await networkHelpers.loadFixture(tokens);
    const narrow = TOKEN_ABI.filter((fragment) => !/function eip712Domain\(/.test(fragment));
    assert.equal(
      await readPermitDomain(new Contract(tokenAddress, narrow, wallet), 1n, tokenAddress),
      undefined,
    );
  });

  it("gives a domain whose permit the escrow accepts", async () => {
    const c = await networkHelpers.loadFixture(tokens);
    const [alice] = c.backers;
    await c.token.connect(alice).approve(c.escrow, 0n);
    const domain = await readPermitDomain(
      new Contract(c.tokenAddress, TOKEN_ABI, wallet),
      chainId,
      c.tokenAddress,
    );
    assert.ok(domain !== undefined);
    const deadline = BigInt(await networkHelpers.time.latest()) + DAY;
    const typedData = permitTypedData({
      domain,
      owner: alice.address as Address,
      spender: (await c.escrow.getAddress()) as Address,
      value: MIN_PLEDGE,
      nonce: await c.token.nonces(alice),
      deadline,
    });
    const signer = await wallet.getSigner(alice.address);
    const { v, r, s } = splitSignature(
      (await signer.signTypedData(typedData.domain, typedData.types, typedData.message)) as Address,
    );
    await c.escrow.connect(alice).pledgeWithPermit(MIN_PLEDGE, deadline, v, r, s);
    assert.equal(await c.escrow.pledgeOf(alice), MIN_PLEDGE);
    assert.equal(new Interface(TOKEN_ABI).getFunction("eip712Domain")?.outputs.length, 7);
  });
});
