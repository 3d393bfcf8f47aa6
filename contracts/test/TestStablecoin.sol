// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/**
 * @title TestStablecoin
 * @notice A USDC-like test token: 6 decimals and EIP-2612 permit. Anyone may mint: it is for tests
 * and the local stack only and never deployed to a real network by this project. The gas ceilings
 * are measured with it; {RestrictedStablecoin} adds the issuer's blacklist and pause.
 */
contract TestStablecoin is ERC20, ERC20Permit {
    /// @notice Number of decimals, as USDC.
    uint8 private constant DECIMALS = 6;

    /// @notice Creates the token with no supply; anyone may {mint}.
    /// @param name_ Token name (also the permit domain's name).
    /// @param symbol_ Token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {}

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
