// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TestStablecoin} from "./TestStablecoin.sol";

/**
 * @title RestrictedStablecoin
 * @notice {TestStablecoin} plus the powers a real stablecoin's issuer has: blacklist an address so
 * it can neither send nor receive, and pause every transfer. Used to test the escrow's trust
 * assumptions about the token.
 */
contract RestrictedStablecoin is TestStablecoin {
    /// @notice The issuer, the only address that may blacklist or pause.
    address public immutable issuer;
    /// @notice Whether every transfer is paused.
    bool public paused;
    /// @notice Whether `account` may neither send nor receive.
    mapping(address account => bool) public blacklisted;

    /// @notice `account` was put on (`listed`) or taken off the blacklist.
    /// @param account The address.
    /// @param listed True if it is now blacklisted.
    event BlacklistChanged(address indexed account, bool listed);
    /// @notice Transfers were paused (`isPaused`) or resumed.
    /// @param isPaused True if transfers are now paused.
    event PauseChanged(bool isPaused);

    /// @notice The caller is not the issuer.
    error NotIssuer(address caller);
    /// @notice `account` is blacklisted.
    error Blacklisted(address account);
    /// @notice Transfers are paused.
    error TransfersPaused();

    /// @notice Creates the token with the deployer as its issuer.
    /// @param name_ Token name (also the permit domain's name).
    /// @param symbol_ Token symbol.
    constructor(string memory name_, string memory symbol_) TestStablecoin(name_, symbol_) {
        issuer = msg.sender;
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

    function _update(address from, address to, uint256 value) internal override {
        if (paused) revert TransfersPaused();
        if (blacklisted[from]) revert Blacklisted(from);
        if (blacklisted[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
