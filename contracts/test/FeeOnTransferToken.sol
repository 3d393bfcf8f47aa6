// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FeeOnTransferToken
 * @notice A hostile test token that burns a fee on every transfer, so the recipient gets less
 * than the amount sent. The escrow must refuse pledges in it. Anyone may mint.
 */
contract FeeOnTransferToken is ERC20 {
    /// @notice Fee in basis points of each transfer.
    uint256 public constant FEE_BPS = 100;
    uint256 private constant BPS = 10_000;

    constructor() ERC20("Fee On Transfer", "FOT") {}

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
        uint256 fee = (value * FEE_BPS) / BPS;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
