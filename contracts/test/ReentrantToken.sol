// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReentrantToken
 * @notice A hostile test token that, once armed, calls a target (the escrow) with arbitrary data
 * from inside every transfer. It records whether that reentrant call succeeded and the revert data
 * it got, and lets the transfer itself go on, so a test sees that the escrow refused the reentry.
 * It makes one callback at a time: a transfer made inside a callback does not call back again.
 */
contract ReentrantToken is ERC20 {
    /// @notice The contract called back during a transfer.
    address public callee;
    /// @notice The calldata of the callback.
    bytes public callData;
    /// @notice Number of callbacks made.
    uint256 public attempts;
    /// @notice Whether the last callback succeeded.
    bool public lastCallSucceeded;
    /// @notice Revert data of the last callback.
    bytes public lastRevertData;

    /// @dev Whether a callback is under way.
    bool private _callingBack;

    constructor() ERC20("Reentrant", "REE") {}

    /// @notice Mints `amount` to `to`.
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the callback: every later transfer calls `target_` with `callData_`.
    /// @param target_ The contract to call back.
    /// @param callData_ The calldata to send it.
    function arm(address target_, bytes calldata callData_) external {
        callee = target_;
        callData = callData_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (callee != address(0) && from != address(0)) _callBack(callee, callData);
    }

    /// @dev Calls `target_` with `callData_` and records the outcome, unless a callback is under way.
    function _callBack(address target_, bytes memory callData_) internal {
        if (_callingBack) return;
        _callingBack = true;
        ++attempts;
        // Any target, any data: the token calls back as a hostile one would.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = target_.call(callData_);
        lastCallSucceeded = ok;
        lastRevertData = data;
        _callingBack = false;
    }
}
