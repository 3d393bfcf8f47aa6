// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {vm, bound} from "./Cheats.sol";

/// @notice Single properties of the escrow, each checked over random amounts, times and callers.
contract CampaignEscrowFuzz {
    uint256 internal constant MIN_PLEDGE = 9_950_000;
    uint256 internal constant MAX_PLEDGE = 1e15; // a billion dollars in a 6-decimals token
    uint32 internal constant GOAL = 3;
    uint256 internal constant DURATION = 30 days;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    TestStablecoin internal token;
    CampaignEscrow internal escrow;
    uint256 internal deadline;
    address internal beneficiary = vm.addr(0xBEEF);
    address internal alice = vm.addr(1);
    address internal bob = vm.addr(2);
    address internal carol = vm.addr(3);
    address internal dave = vm.addr(4);
    address internal erin = vm.addr(5);

    function setUp() public {
        token = new TestStablecoin("Test USD", "tUSD");
        deadline = block.timestamp + DURATION;
        escrow = new CampaignEscrow(token, beneficiary, GOAL, MIN_PLEDGE, uint64(deadline));
    }

    function _pledge(address backer, uint256 amount) internal {
        token.mint(backer, amount);
        vm.prank(backer);
        token.approve(address(escrow), amount);
        vm.prank(backer);
        escrow.pledge(amount);
    }

    function _wrongState(CampaignEscrow.State current, CampaignEscrow.State required) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(CampaignEscrow.WrongState.selector, current, required);
    }

    // ---- Pledges ----

    function testFuzz_firstPledgeBelowTheMinimumReverts(uint256 amount) public {
        amount = bound(amount, 1, MIN_PLEDGE - 1);
        token.mint(alice, amount);
        vm.prank(alice);
        token.approve(address(escrow), amount);
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.PledgeBelowMinimum.selector, amount, MIN_PLEDGE));
        vm.prank(alice);
        escrow.pledge(amount);
    }

    function testFuzz_firstPledgeAtOrAboveTheMinimumMakesABacker(uint256 amount) public {
        amount = bound(amount, MIN_PLEDGE, MAX_PLEDGE);
        _pledge(alice, amount);
        require(escrow.backers() == 1, "a first pledge did not make a backer");
        require(escrow.pledgeOf(alice) == amount && escrow.totalPledged() == amount, "pledge not counted");
        require(token.balanceOf(address(escrow)) == amount, "escrow did not receive the pledge");
    }

    function testFuzz_topUpsAddMoneyButNoBacker(uint256 first, uint256 topUp1, uint256 topUp2) public {
        first = bound(first, MIN_PLEDGE, MAX_PLEDGE);
        topUp1 = bound(topUp1, 1, MAX_PLEDGE); // top-ups may be below the minimum
        topUp2 = bound(topUp2, 1, MAX_PLEDGE);
        _pledge(alice, first);
        _pledge(alice, topUp1);
        _pledge(alice, topUp2);
        require(escrow.backers() == 1, "a top-up added a backer");
        uint256 total = first + topUp1 + topUp2;
        require(escrow.pledgeOf(alice) == total && escrow.totalPledged() == total, "top-ups not counted");
    }

    // ---- The deadline's second ----

    /// @dev A quarter of the seeds give the deadline's last second (deadline - 1), a quarter the
    /// deadline itself, the rest any second before or after it.
    function _aroundTheDeadline(uint256 seed) internal view returns (uint256) {
        uint256 kind = seed % 4;
        seed /= 4;
        if (kind == 0) return deadline - 1;
        if (kind == 1) return deadline;
        if (kind == 2) return deadline - bound(seed, 1, DURATION - 1);
        return deadline + bound(seed, 0, 365 days);
    }

    function testFuzz_pledgesAreAcceptedStrictlyBeforeTheDeadline(uint256 offset) public {
        uint256 time = _aroundTheDeadline(offset);
        vm.warp(time);
        token.mint(alice, MIN_PLEDGE);
        vm.prank(alice);
        token.approve(address(escrow), MIN_PLEDGE);
        if (time >= deadline) vm.expectRevert(_wrongState(CampaignEscrow.State.Failed, CampaignEscrow.State.Funding));
        vm.prank(alice);
        escrow.pledge(MIN_PLEDGE);
        require(escrow.backers() == (time < deadline ? 1 : 0), "pledge counted on the wrong side of the deadline");
    }

    function testFuzz_cancelsAreAcceptedStrictlyBeforeTheDeadline(uint256 offset) public {
        _pledge(alice, MIN_PLEDGE);
        uint256 time = _aroundTheDeadline(offset);
        vm.warp(time);
        if (time >= deadline) vm.expectRevert(_wrongState(CampaignEscrow.State.Failed, CampaignEscrow.State.Funding));
        vm.prank(alice);
        escrow.cancel();
        require(escrow.pledgeOf(alice) == (time < deadline ? 0 : MIN_PLEDGE), "cancel applied on the wrong side of the deadline");
    }

    function test_pledgeInTheDeadlinesLastSecondIsAccepted() public {
        vm.warp(deadline - 1);
        _pledge(alice, MIN_PLEDGE);
        require(escrow.backers() == 1, "pledge at deadline - 1 refused");
    }

    function test_pledgeAtTheDeadlineIsRefused() public {
        vm.warp(deadline);
        token.mint(alice, MIN_PLEDGE);
        vm.prank(alice);
        token.approve(address(escrow), MIN_PLEDGE);
        vm.expectRevert(_wrongState(CampaignEscrow.State.Failed, CampaignEscrow.State.Funding));
        vm.prank(alice);
        escrow.pledge(MIN_PLEDGE);
    }

    // ---- Cancel ----

    function testFuzz_cancelReturnsTheWholePledge(uint256 first, uint256 topUp, uint256 other) public {
        first = bound(first, MIN_PLEDGE, MAX_PLEDGE);
        topUp = bound(topUp, 1, MAX_PLEDGE);
        other = bound(other, MIN_PLEDGE, MAX_PLEDGE);
        _pledge(alice, first);
        _pledge(bob, other);
        _pledge(alice, topUp);
        vm.prank(alice);
        escrow.cancel();
        require(token.balanceOf(alice) == first + topUp, "cancel did not return the whole pledge");
        require(escrow.pledgeOf(alice) == 0, "cancel left a pledge behind");
        require(escrow.backers() == 1 && escrow.totalPledged() == other, "cancel changed another backer's pledge");
        require(token.balanceOf(address(escrow)) == other, "escrow holds other than the remaining pledge");
    }

    /// @dev In the last 24 hours a cancel is refused exactly when it would take the campaign from
    /// its goal to below it; otherwise (earlier, or above or below the goal) it goes through.
    /// Seeds are mapped so edges come up often: `backerCount` is the goal one time in five;
    /// `secondsLeft` is a quarter of the time the first second of the last 24 hours, a quarter the
    /// second before it, otherwise any time in them or in the two days before.
    function testFuzz_cancelIsRefusedOnlyWhenItWouldDropTheGoalInTheLastDay(uint256 backerCount, uint256 secondsLeft) public {
        backerCount = [uint256(GOAL), GOAL - 1, GOAL + 1, GOAL - 2, GOAL + 2][backerCount % 5];
        uint256 window = escrow.CANCEL_LOCK_WINDOW();
        uint256 kind = secondsLeft % 4;
        secondsLeft /= 4;
        if (kind == 0) secondsLeft = window;
        else if (kind == 1) secondsLeft = window + 1;
        else if (kind == 2) secondsLeft = bound(secondsLeft, 1, window);
        else secondsLeft = bound(secondsLeft, window + 1, 3 * window);
        address[5] memory backers = [alice, bob, carol, dave, erin];
        for (uint256 i = 0; i < backerCount; i++) {
            _pledge(backers[i], MIN_PLEDGE);
        }
        vm.warp(deadline - secondsLeft);
        bool refused = secondsLeft <= window && backerCount == GOAL;
        if (refused) vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.CancelWouldMissGoal.selector, GOAL, GOAL));
        vm.prank(alice);
        escrow.cancel();
        require(escrow.backers() == (refused ? backerCount : backerCount - 1), "wrong backer count after the cancel");
    }

    function test_cancelAtTheGoalIsRefusedFromTheFirstSecondOfTheLastDay() public {
        _pledge(alice, MIN_PLEDGE);
        _pledge(bob, MIN_PLEDGE);
        _pledge(carol, MIN_PLEDGE);
        vm.warp(deadline - escrow.CANCEL_LOCK_WINDOW());
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.CancelWouldMissGoal.selector, GOAL, GOAL));
        vm.prank(alice);
        escrow.cancel();
        require(escrow.backers() == GOAL && escrow.pledgeOf(alice) == MIN_PLEDGE, "refused cancel changed the pledges");
    }

    function test_cancelAtTheGoalIsAllowedUntilTheLastDay() public {
        _pledge(alice, MIN_PLEDGE);
        _pledge(bob, MIN_PLEDGE);
        _pledge(carol, MIN_PLEDGE);
        vm.warp(deadline - escrow.CANCEL_LOCK_WINDOW() - 1);
        vm.prank(alice);
        escrow.cancel();
        require(escrow.backers() == GOAL - 1 && token.balanceOf(alice) == MIN_PLEDGE, "cancel before the last day refused");
    }

    // ---- Permit ----

    function _signPermit(uint256 key, uint256 amount, uint256 permitDeadline) internal view returns (uint8, bytes32, bytes32) {
        address owner = vm.addr(key);
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(escrow), amount, token.nonces(owner), permitDeadline));
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function testFuzz_frontRunPermitDoesNotBlockThePledge(uint256 amount, address frontRunner) public {
        amount = bound(amount, MIN_PLEDGE, MAX_PLEDGE);
        token.mint(alice, amount);
        uint256 permitDeadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(1, amount, permitDeadline);
        vm.prank(frontRunner);
        token.permit(alice, address(escrow), amount, permitDeadline, v, r, s);
        vm.prank(alice);
        escrow.pledgeWithPermit(amount, permitDeadline, v, r, s);
        require(escrow.pledgeOf(alice) == amount && token.balanceOf(address(escrow)) == amount, "front-run permit blocked the pledge");
    }

    // ---- Outcome ----

    function testFuzz_refundAfterFailureReturnsExactlyThePledgeWhoeverCalls(
        uint256 amount,
        uint256 topUp,
        address caller,
        uint256 late
    ) public {
        amount = bound(amount, MIN_PLEDGE, MAX_PLEDGE);
        topUp = bound(topUp, 1, MAX_PLEDGE);
        _pledge(alice, amount);
        _pledge(bob, MIN_PLEDGE);
        _pledge(alice, topUp);
        vm.warp(deadline + bound(late, 0, 365 days));
        uint256 before = token.balanceOf(alice);
        vm.prank(caller);
        escrow.refund(alice);
        require(token.balanceOf(alice) - before == amount + topUp, "refund paid other than the pledge");
        require(escrow.pledgeOf(alice) == 0 && escrow.backers() == 1, "refund left the pledge behind");
        require(escrow.pledgeOf(bob) == MIN_PLEDGE && token.balanceOf(address(escrow)) == MIN_PLEDGE, "refund touched another pledge");
    }

    function testFuzz_refundIsPaidOnlyOnce(uint256 amount, address firstCaller, address secondCaller) public {
        amount = bound(amount, MIN_PLEDGE, MAX_PLEDGE);
        _pledge(alice, amount);
        _pledge(bob, MIN_PLEDGE);
        vm.warp(deadline);
        vm.prank(firstCaller);
        escrow.refund(alice);
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.NoPledge.selector, alice));
        vm.prank(secondCaller);
        escrow.refund(alice);
        require(token.balanceOf(alice) == amount, "refunded more than once");
    }

    function testFuzz_releasePaysExactlyThePledgesOnceWhateverWasSentDirectly(
        uint256 a,
        uint256 b,
        uint256 c,
        uint256 stray,
        address caller
    ) public {
        a = bound(a, MIN_PLEDGE, MAX_PLEDGE);
        b = bound(b, MIN_PLEDGE, MAX_PLEDGE);
        c = bound(c, MIN_PLEDGE, MAX_PLEDGE);
        stray = bound(stray, 0, MAX_PLEDGE);
        _pledge(alice, a);
        _pledge(bob, b);
        _pledge(carol, c);
        token.mint(address(escrow), stray);
        vm.warp(deadline);
        vm.prank(caller);
        escrow.release();
        require(token.balanceOf(beneficiary) == a + b + c, "release paid other than the pledges");
        require(token.balanceOf(address(escrow)) == stray, "stray tokens left the escrow");
        vm.expectRevert(_wrongState(CampaignEscrow.State.Released, CampaignEscrow.State.Succeeded));
        vm.prank(caller);
        escrow.release();
    }
}
