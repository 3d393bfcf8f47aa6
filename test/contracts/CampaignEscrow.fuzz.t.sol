// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {vm, bound} from "./Cheats.sol";

/// @notice Single properties of the escrow, each checked over random amounts and times.
contract CampaignEscrowFuzz {
    uint256 internal constant MIN_PLEDGE = 9_950_000;
    uint256 internal constant MAX_PLEDGE = 1e15; // a billion dollars in a 6-decimals token
    uint32 internal constant GOAL = 3;
    uint256 internal constant DURATION = 30 days;

    TestStablecoin internal token;
    CampaignEscrow internal escrow;
    address internal alice = vm.addr(1);
    address internal bob = vm.addr(2);

    function setUp() public {
        token = new TestStablecoin("Test USD", "tUSD");
        escrow = new CampaignEscrow(token, vm.addr(0xBEEF), GOAL, MIN_PLEDGE, uint64(block.timestamp + DURATION));
    }

    function _pledge(address backer, uint256 amount) internal {
        token.mint(backer, amount);
        vm.prank(backer);
        token.approve(address(escrow), amount);
        vm.prank(backer);
        escrow.pledge(amount);
    }

    function testFuzz_cancelReturnsTheWholePledge(uint256 first, uint256 topUp) public {
        first = bound(first, MIN_PLEDGE, MAX_PLEDGE);
        topUp = bound(topUp, 1, MAX_PLEDGE);
        _pledge(alice, first);
        _pledge(alice, topUp);
        vm.prank(alice);
        escrow.cancel();
        require(token.balanceOf(alice) == first + topUp, "cancel did not return the whole pledge");
        require(escrow.backers() == 0 && escrow.totalPledged() == 0, "cancel left a pledge behind");
    }

    function testFuzz_firstPledgeBelowTheMinimumReverts(uint256 amount) public {
        amount = bound(amount, 1, MIN_PLEDGE - 1);
        token.mint(alice, amount);
        vm.prank(alice);
        token.approve(address(escrow), amount);
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.PledgeBelowMinimum.selector, amount, MIN_PLEDGE));
        vm.prank(alice);
        escrow.pledge(amount);
    }

    function testFuzz_topUpsAddMoneyButNoBacker(uint256 first, uint256 topUp) public {
        first = bound(first, MIN_PLEDGE, MAX_PLEDGE);
        topUp = bound(topUp, 1, MAX_PLEDGE);
        _pledge(alice, first);
        _pledge(alice, topUp);
        require(escrow.backers() == 1, "a top-up added a backer");
        require(escrow.pledgeOf(alice) == first + topUp && escrow.totalPledged() == first + topUp, "top-up not counted");
    }

    function testFuzz_pledgesAreAcceptedAnySecondBeforeTheDeadline(uint256 secondsBefore) public {
        secondsBefore = bound(secondsBefore, 1, DURATION - 1);
        vm.warp(escrow.deadline() - secondsBefore);
        _pledge(alice, MIN_PLEDGE);
        require(escrow.backers() == 1, "pledge before the deadline not counted");
    }

    function testFuzz_pledgesAreRefusedFromTheDeadlineOn(uint256 secondsAfter) public {
        secondsAfter = bound(secondsAfter, 0, 365 days);
        vm.warp(escrow.deadline() + secondsAfter);
        token.mint(alice, MIN_PLEDGE);
        vm.prank(alice);
        token.approve(address(escrow), MIN_PLEDGE);
        vm.expectRevert(
            abi.encodeWithSelector(CampaignEscrow.WrongState.selector, CampaignEscrow.State.Failed, CampaignEscrow.State.Funding)
        );
        vm.prank(alice);
        escrow.pledge(MIN_PLEDGE);
    }

    function testFuzz_refundAfterFailureReturnsExactlyThePledgeWhoeverCalls(uint256 amount, uint256 callerKey) public {
        amount = bound(amount, MIN_PLEDGE, MAX_PLEDGE);
        address caller = vm.addr(bound(callerKey, 1, 1_000_000));
        _pledge(alice, amount);
        _pledge(bob, MIN_PLEDGE);
        vm.warp(escrow.deadline());
        vm.prank(caller);
        escrow.refund(alice);
        require(token.balanceOf(alice) == amount, "refund paid other than the pledge");
        require(escrow.pledgeOf(bob) == MIN_PLEDGE, "another backer's pledge changed");
    }
}
