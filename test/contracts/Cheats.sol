// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The few Foundry-compatible cheatcodes these tests use (Hardhat 3's Solidity test
/// runner serves them at the standard address). forge-std is not installable here, so the
/// interface is declared by hand.
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function expectRevert(bytes calldata revertData) external;
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @notice Maps `value` into [min, max] (inclusive) without discarding fuzz inputs.
function bound(uint256 value, uint256 min, uint256 max) pure returns (uint256) {
    return min + (value % (max - min + 1));
}
