// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/**
 * @title TestStablecoin
 * @notice A USDC-like test token: 6 decimals, EIP-2612 permit, and the issuer powers a real
 * stablecoin has (blacklist an address, pause every transfer). Anyone may mint: it is for tests
 * and the local stack only and never deployed to a real network by this project.
 */
contract TestStablecoin is ERC20, ERC20Permit {
    /// @notice Number of decimals, as USDC.
    uint8 private constant DECIMALS = 6;

    /// @notice The issuer, the only address that may blacklist or pause.
    address public immutable issuer;
    /// @notice Whether every transfer is paused.
    bool public paused;
    /// @notice Whether `account` may neither send nor receive.
    mapping(address account => bool) public blacklisted;

    /// @notice `account` was put on (`listed`) or taken off the blacklist.
    event BlacklistChanged(address indexed account, bool listed);
    /// @notice Transfers were paused (`isPaused`) or resumed.
    event PauseChanged(bool isPaused);

    /// @notice The caller is not the issuer.
    error NotIssuer(address caller);
    /// @notice `account` is blacklisted.
    error Blacklisted(address account);
    /// @notice Transfers are paused.
    error TransfersPaused();

    /// @param name_ Token name (also the permit domain's name).
    /// @param symbol_ Token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {
        issuer = msg.sender;
    }

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    /// @param to Recipient.
    /// @param amount Amount in the smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Puts `account` on or off the blacklist (issuer only).
    /// @param account The address.
    /// @param listed True to blacklist.
    function setBlacklisted(address account, bool listed) external {
        if (msg.sender != issuer) revert NotIssuer(msg.sender);
        blacklisted[account] = listed;
        emit BlacklistChanged(account, listed);
    }

    /// @notice Pauses or resumes every transfer (issuer only).
    /// @param isPaused True to pause.
    function setPaused(bool isPaused) external {
        if (msg.sender != issuer) revert NotIssuer(msg.sender);
        paused = isPaused;
        emit PauseChanged(isPaused);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return DECIMALS;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (paused) revert TransfersPaused();
        if (blacklisted[from]) revert Blacklisted(from);
        if (blacklisted[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
