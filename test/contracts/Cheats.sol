// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The few Foundry-compatible cheatcodes these tests use. Hardhat 3's Solidity test runner
/// (EDR) serves them at the standard address; forge-std is not available, so the interface is
/// declared by hand with forge-std's signatures (and forge-std's name).
interface Vm { // solhint-disable-line interface-starts-with-i
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function expectRevert(bytes calldata revertData) external;
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @notice Maps `value` into [min, max] (inclusive) without discarding fuzz inputs; small values
/// map to the bottom of the range, so the fuzzer's favourite edge values (0, 1, 2…) hit `min`.
function bound(uint256 value, uint256 min, uint256 max) pure returns (uint256) {
    if (max - min == type(uint256).max) return value;
    return min + (value % (max - min + 1));
}
