// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrantToken} from "./ReentrantToken.sol";

/**
 * @title ReentrantPermitToken
 * @notice {ReentrantToken} with an EIP-2612 `permit` that, once armed with {armPermit}, calls a
 * target (the escrow) with arbitrary data from inside the permit call, that is before
 * `pledgeWithPermit` has changed any state or pulled any token. Hostile: `permit` checks no
 * signature and no deadline, it only sets the allowance. So the token, calling back as a backer of
 * its own, can get its reentrant `pledgeWithPermit` funded: if the escrow did let it reenter, the
 * reentrant pledge would go through, and a test would see it.
 */
contract ReentrantPermitToken is ReentrantToken {
    /// @notice The contract called back during a permit.
    address public permitTarget;
    /// @notice The calldata of the permit's callback.
    bytes public permitCallData;

    /// @notice Arms the permit's callback: every later permit calls `target_` with `callData_`.
    /// Transfers call back only if {arm} was called too.
    /// @param target_ The contract to call back.
    /// @param callData_ The calldata to send it.
    function armPermit(address target_, bytes calldata callData_) external {
        permitTarget = target_;
        permitCallData = callData_;
    }

    /// @notice Sets `owner`'s allowance for `spender` to `value` whatever the signature and deadline,
    /// then makes the permit's callback if armed.
    /// @param owner The account whose allowance is set.
    /// @param spender The account allowed to spend.
    /// @param value The allowance.
    function permit(address owner, address spender, uint256 value, uint256, uint8, bytes32, bytes32) external {
        _approve(owner, spender, value);
        if (permitTarget != address(0)) _callBack(permitTarget, permitCallData);
    }
}
