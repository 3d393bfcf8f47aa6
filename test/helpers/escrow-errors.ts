/**
 * Custom-error assertions for the escrow's ethers tests (node:assert only: chai's matchers break
 * Vitest). A revert is checked by its decoded error: the exact name and the exact arguments.
 *
 * Where the revert data is: on Hardhat's in-process network a reverted send, deploy or
 * `staticCall` rejects with an error whose `data` is the revert data (a Hardhat `SolidityError`);
 * ethers' own `CALL_EXCEPTION` carries it in `data` too. Either way it is decoded with the ABI of
 * the contract passed in, so an error raised by OpenZeppelin code (ReentrancyGuardReentrantCall,
 * SafeERC20FailedOperation, SafeCast) is found in the escrow's ABI, and a token's own errors
 * (ERC20InsufficientAllowance, Blacklisted) in the token's.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { Interface } from "ethers";

/** Anything whose ABI knows the error: a TypeChain contract or contract factory. */
export interface HasInterface {
  readonly interface: Interface;
}

/**
 * Awaits `action` (a send, a deploy or a `staticCall`), which must be rejected with revert data
 * that `contract`'s ABI decodes as the custom error `errorName` with exactly `errorArgs`
 * (`[]` for an error without parameters; integers as bigints, addresses checksummed).
 */
export async function expectRevert(
  action: Promise<unknown>,
  contract: HasInterface,
  errorName: string,
  errorArgs: readonly unknown[],
): Promise<void> {
  const expected = describeError(errorName, errorArgs);
  let rejection: unknown;
  try {
    await action;
  } catch (error) {
    rejection = error;
  }
  assert.ok(rejection !== undefined, `expected a revert with ${expected}, but the call succeeded`);
  const data = revertDataOf(rejection);
  assert.ok(
    data !== undefined,
    `expected a revert with ${expected}, but the call failed without revert data: ${inspect(rejection)}`,
  );
  assertErrorData(data, contract, errorName, errorArgs);
}

/**
 * Asserts that `data` (revert data, e.g. recorded by a hostile token) is exactly the custom error
 * `errorName(errorArgs)` of `contract`'s ABI: same name, same arguments, and no other bytes.
 */
export function assertErrorData(
  data: string,
  contract: HasInterface,
  errorName: string,
  errorArgs: readonly unknown[],
): void {
  const expected = describeError(errorName, errorArgs);
  const parsed = contract.interface.parseError(data);
  assert.ok(
    parsed !== null,
    `expected ${expected}, but got revert data ${data}, which is no error in the given contract's ABI`,
  );
  const actualArgs = parsed.args.toArray(true);
  const actual = describeError(parsed.name, actualArgs);
  assert.equal(parsed.name, errorName, `expected a revert with ${expected}, but got ${actual}`);
  assert.deepEqual(actualArgs, [...errorArgs], `expected a revert with ${expected}, but got ${actual}`);
  // The decoder ignores trailing bytes: compare with the canonical encoding as well.
  assert.equal(
    data.toLowerCase(),
    contract.interface.encodeErrorResult(parsed.fragment, actualArgs),
    `revert data ${data} is ${actual} with extra bytes`,
  );
}

/** The revert data a rejected call carries, if any. */
function revertDataOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const { data } = error;
  return typeof data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(data) ? data : undefined;
}

function describeError(name: string, args: readonly unknown[]): string {
  return `${name}(${args.map((arg) => inspect(arg)).join(", ")})`;
}

/** What `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}
