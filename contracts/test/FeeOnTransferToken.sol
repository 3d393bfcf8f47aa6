// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FeeOnTransferToken
 * @notice A hostile test token that burns a fee on every transfer, so the recipient gets less
 * than the amount sent (with a fee of 100%, nothing at all). The escrow must refuse pledges in it.
 * Anyone may mint.
 */
contract FeeOnTransferToken is ERC20 {
    /// @notice Basis points in a whole.
    uint256 public constant BPS = 10_000;
    /// @notice Fee in basis points of each transfer.
    uint256 public immutable feeBps;

    /// @notice Creates the token with a fee of `feeBps_` on every transfer.
    /// @param feeBps_ Fee in basis points (at most {BPS}).
    constructor(uint256 feeBps_) ERC20("Fee On Transfer", "FOT") {
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to`.
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / BPS;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
