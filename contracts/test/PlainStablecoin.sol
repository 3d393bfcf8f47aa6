// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title PlainStablecoin
 * @notice A USDC-like test token without EIP-2612 permit: 6 decimals, a plain ERC-20, as many
 * stablecoins on other chains are. The back page must fall back to approve-then-pledge for it.
 * Anyone may mint: it is for tests only and never deployed to a real network by this project.
 */
contract PlainStablecoin is ERC20 {
    /// @notice Number of decimals, as USDC.
    uint8 private constant DECIMALS = 6;

    /// @notice Creates the token with no supply; anyone may {mint}.
    /// @param name_ Token name.
    /// @param symbol_ Token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return DECIMALS;
    }
}
