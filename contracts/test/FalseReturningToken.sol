// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FalseReturningToken
 * @notice A hostile test token whose `transfer` and `transferFrom` can be switched to report
 * failure the old way: return `false` without reverting and without moving any token or spending
 * any allowance. A caller that ignored the return value would think it had paid or been paid; the
 * escrow, through SafeERC20, must revert instead. Anyone may mint and switch.
 */
contract FalseReturningToken is ERC20 {
    /// @notice Whether `transfer` and `transferFrom` return `false` and do nothing.
    bool public returnsFalse;

    constructor() ERC20("False Returning", "FALSE") {}

    /// @notice Mints `amount` to `to`.
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Switches `transfer` and `transferFrom` to returning `false` (`on`) or back to normal.
    /// @param on True to make them return `false`.
    function setReturnsFalse(bool on) external {
        returnsFalse = on;
    }

    /// @inheritdoc ERC20
    function transfer(address to, uint256 value) public override returns (bool) {
        if (returnsFalse) return false;
        return super.transfer(to, value);
    }

    /// @inheritdoc ERC20
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (returnsFalse) return false;
        return super.transferFrom(from, to, value);
    }
}
