// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {vm, bound} from "./Cheats.sol";

/**
 * @notice Drives one CampaignEscrow through random sequences of what its users can do — pledge,
 * top up, pledge with a permit (plain, front-run, or replayed by a stranger), cancel in and out of
 * the last 24 hours, let time pass, release, refund, send stray tokens — and keeps an independent
 * model (ghost variables) to check the escrow against.
 *
 * The invariant runner calls it with `failOnRevert`: an action the rules allow is made directly,
 * so if the escrow refuses it the run fails; an action the rules forbid is attempted through
 * {_mustRevert}, which records a violation unless the escrow reverts with exactly the expected
 * error. The handler itself never reverts otherwise.
 */
contract EscrowHandler {
    uint256 public constant ACTORS = 10;
    uint32 public constant GOAL = 4;
    uint256 public constant MIN_PLEDGE = 9_950_000; // $9.95 in a 6-decimals stablecoin
    uint256 public constant MAX_PLEDGE = 200 * MIN_PLEDGE;
    uint256 public constant DURATION = 7 days;
    uint256 public constant LOCK_WINDOW = 24 hours;
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    /// @notice Branches of the handler, counted so a probe can check the fuzzer reaches each one.
    enum Path {
        Pledge,
        TopUp,
        PledgeBelowMinimumRefused,
        ZeroPledgeRefused,
        PermitPledge,
        PermitFrontRun,
        PermitReplayRefused,
        Cancel,
        CancelInLastDay,
        CancelRefusedInLastDay,
        NoPledgeCancelRefused,
        LateCallRefused,
        Release,
        ReleaseRefused,
        Refund,
        RefundRefused,
        RefundEveryone,
        Stray
    }

    TestStablecoin public immutable token;
    CampaignEscrow public immutable escrow;
    address public immutable beneficiary;
    uint256 public immutable deadline;
    /// @notice The actors' private keys are 1..ACTORS, so every actor can sign permits.
    address[ACTORS] public actors;

    // ---- Ghost model ----
    mapping(address actor => uint256) public ghostPledgeOf;
    /// @notice Number of actors whose ghost pledge is positive.
    uint256 public ghostBackers;
    uint256 public ghostPledgedIn;
    uint256 public ghostCancelledOut;
    uint256 public ghostRefundedOut;
    uint256 public ghostReleasedOut;
    uint256 public ghostStray;
    bool public ghostReleased;
    uint256 public ghostRefunds;
    uint256 public backersAtRelease;
    uint256 public timeOfRelease;

    // ---- Violations (checked by the invariants) ----
    /// @notice Set if a cancel went through in the last 24 hours with the campaign exactly at its goal.
    bool public cancelRuleBroken;
    /// @notice Set if a cancel, refund or release paid anything but the exact expected amount.
    bool public payoutMismatch;
    /// @notice The first forbidden call that did not revert with exactly the expected error.
    string public wrongOutcome;

    uint256[18] public seen;

    constructor() {
        token = new TestStablecoin("Test USD", "tUSD");
        beneficiary = vm.addr(0xBEEF);
        deadline = block.timestamp + DURATION;
        escrow = new CampaignEscrow(token, beneficiary, GOAL, MIN_PLEDGE, uint64(deadline));
        for (uint256 i = 0; i < ACTORS; i++) {
            actors[i] = vm.addr(i + 1);
        }
    }

    // =====================================================================================
    // Actions (the invariant fuzzer's targets; see {selectors})
    // =====================================================================================

    /// @notice A pledge after an approve: a first pledge ≥ the minimum or any positive top-up.
    /// Sometimes a first pledge below the minimum or a zero pledge, which must be refused.
    function pledge(uint256 actorSeed, uint256 amountSeed, uint256 flavour) external {
        address backer = actors[actorSeed % ACTORS];
        bool isNew = ghostPledgeOf[backer] == 0;
        if (!_funding()) {
            uint256 late = bound(amountSeed, MIN_PLEDGE, MAX_PLEDGE);
            _fundAndApprove(backer, late, late);
            _mustRevert(backer, abi.encodeCall(escrow.pledge, (late)), _wrongState(CampaignEscrow.State.Funding), "pledge after the deadline");
            seen[uint256(Path.LateCallRefused)]++;
            return;
        }
        if (flavour % 8 == 0 && isNew) {
            uint256 small = bound(amountSeed, 1, MIN_PLEDGE - 1);
            _fundAndApprove(backer, small, small);
            _mustRevert(
                backer,
                abi.encodeCall(escrow.pledge, (small)),
                abi.encodeWithSelector(CampaignEscrow.PledgeBelowMinimum.selector, small, MIN_PLEDGE),
                "first pledge below the minimum"
            );
            seen[uint256(Path.PledgeBelowMinimumRefused)]++;
            return;
        }
        if (flavour % 8 == 1) {
            _mustRevert(backer, abi.encodeCall(escrow.pledge, (0)), abi.encodeWithSelector(CampaignEscrow.ZeroPledge.selector), "zero pledge");
            seen[uint256(Path.ZeroPledgeRefused)]++;
            return;
        }
        uint256 amount = _pledgeAmount(isNew, amountSeed);
        // Half the time approve more than needed, leaving an allowance behind.
        _fundAndApprove(backer, amount, flavour % 2 == 0 ? amount : amount + MIN_PLEDGE);
        vm.prank(backer);
        escrow.pledge(amount);
        _recordPledge(backer, amount);
        seen[uint256(isNew ? Path.Pledge : Path.TopUp)]++;
    }

    /// @notice A pledge with an EIP-2612 permit. mode 0: plain. mode 1: another actor submits the
    /// same permit to the token first (front-run); the pledge must still go through. mode 2: a
    /// stranger replays the signed arguments through the escrow first; that must be refused.
    function pledgeWithPermit(uint256 actorSeed, uint256 amountSeed, uint256 mode, uint256 otherSeed) external {
        uint256 index = actorSeed % ACTORS;
        address backer = actors[index];
        bool isNew = ghostPledgeOf[backer] == 0;
        uint256 amount = _pledgeAmount(isNew, amountSeed);
        token.mint(backer, amount);
        uint256 permitDeadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _signPermit(index + 1, backer, amount, permitDeadline);
        bytes memory call = abi.encodeCall(escrow.pledgeWithPermit, (amount, permitDeadline, v, r, s));
        if (!_funding()) {
            _mustRevert(backer, call, _wrongState(CampaignEscrow.State.Funding), "permit pledge after the deadline");
            seen[uint256(Path.LateCallRefused)]++;
            return;
        }
        address other = actors[otherSeed % ACTORS];
        if (mode % 3 == 1) {
            vm.prank(other);
            token.permit(backer, address(escrow), amount, permitDeadline, v, r, s);
            seen[uint256(Path.PermitFrontRun)]++;
        } else if (mode % 3 == 2 && other != backer) {
            vm.prank(other);
            token.approve(address(escrow), 0);
            _mustRevert(
                other,
                call,
                abi.encodeWithSelector(CampaignEscrow.PermitRejected.selector, other, 0, amount),
                "a stranger pledging with someone else's permit"
            );
            seen[uint256(Path.PermitReplayRefused)]++;
        }
        vm.prank(backer);
        escrow.pledgeWithPermit(amount, permitDeadline, v, r, s);
        _recordPledge(backer, amount);
        seen[uint256(Path.PermitPledge)]++;
    }

    /// @notice A cancel. Allowed ones must pay the whole pledge back; in the last 24 hours one that
    /// would take the campaign from exactly its goal to below it must be refused.
    function cancel(uint256 actorSeed) external {
        address backer = _mostlyABacker(actorSeed);
        uint256 amount = ghostPledgeOf[backer];
        bytes memory call = abi.encodeCall(escrow.cancel, ());
        if (!_funding()) {
            _mustRevert(backer, call, _wrongState(CampaignEscrow.State.Funding), "cancel after the deadline");
            seen[uint256(Path.LateCallRefused)]++;
            return;
        }
        if (amount == 0) {
            _mustRevert(backer, call, abi.encodeWithSelector(CampaignEscrow.NoPledge.selector, backer), "cancel without a pledge");
            seen[uint256(Path.NoPledgeCancelRefused)]++;
            return;
        }
        bool lastDay = block.timestamp >= deadline - LOCK_WINDOW;
        if (lastDay && ghostBackers == GOAL) {
            _mustRevert(
                backer,
                call,
                abi.encodeWithSelector(CampaignEscrow.CancelWouldMissGoal.selector, GOAL, GOAL),
                "cancel dropping the campaign below its goal in the last 24 hours"
            );
            if (escrow.pledgeOf(backer) == 0) cancelRuleBroken = true;
            seen[uint256(Path.CancelRefusedInLastDay)]++;
            return;
        }
        uint256 before = token.balanceOf(backer);
        vm.prank(backer);
        escrow.cancel();
        if (token.balanceOf(backer) - before != amount) payoutMismatch = true;
        ghostPledgeOf[backer] = 0;
        ghostBackers--;
        ghostCancelledOut += amount;
        seen[uint256(lastDay ? Path.CancelInLastDay : Path.Cancel)]++;
    }

    /// @notice Lets between one second and a day pass.
    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, 1 days));
    }

    /// @notice Jumps (forward only) to an edge of the timeline: just before or at the start of the
    /// last 24 hours, somewhere inside them, the deadline's last second, the deadline, just after.
    function warpToEdge(uint256 edgeSeed, uint256 offsetSeed) external {
        uint256 target;
        uint256 edge = edgeSeed % 6;
        if (edge == 0) target = deadline - LOCK_WINDOW - 1;
        else if (edge == 1) target = deadline - LOCK_WINDOW;
        else if (edge == 2) target = deadline - bound(offsetSeed, 1, LOCK_WINDOW);
        else if (edge == 3) target = deadline - 1;
        else if (edge == 4) target = deadline;
        else target = deadline + bound(offsetSeed, 1, 30 days);
        if (target > block.timestamp) vm.warp(target);
    }

    /// @notice Anyone triggers the release; outside `Succeeded` (including a second time) it must
    /// be refused.
    function release(uint256 callerSeed) external {
        address caller = _anyone(callerSeed);
        if (modelState() != CampaignEscrow.State.Succeeded) {
            _mustRevert(caller, abi.encodeCall(escrow.release, ()), _wrongState(CampaignEscrow.State.Succeeded), "release outside Succeeded");
            seen[uint256(Path.ReleaseRefused)]++;
            return;
        }
        _release(caller);
    }

    /// @notice Anyone triggers a backer's refund; outside `Failed`, or for an actor with no pledge
    /// (never pledged, cancelled, or already refunded), it must be refused.
    function refund(uint256 backerSeed, uint256 callerSeed) external {
        address backer = _mostlyABacker(backerSeed);
        address caller = _anyone(callerSeed);
        bytes memory call = abi.encodeCall(escrow.refund, (backer));
        if (modelState() != CampaignEscrow.State.Failed) {
            _mustRevert(caller, call, _wrongState(CampaignEscrow.State.Failed), "refund outside Failed");
            seen[uint256(Path.RefundRefused)]++;
        } else if (ghostPledgeOf[backer] == 0) {
            _mustRevert(caller, call, abi.encodeWithSelector(CampaignEscrow.NoPledge.selector, backer), "refund without a pledge");
            seen[uint256(Path.RefundRefused)]++;
        } else {
            _refund(backer, caller);
        }
    }

    /// @notice After a failure, refunds every actor still holding a pledge, each triggered by a
    /// different caller: whatever happened before, each must get exactly its pledge back.
    function refundEveryone(uint256 callerSeed) external {
        if (modelState() != CampaignEscrow.State.Failed) return;
        _refundEveryone(callerSeed);
        seen[uint256(Path.RefundEveryone)]++;
    }

    /// @notice Someone transfers tokens to the escrow directly instead of pledging, at any time.
    function sendStray(uint256 senderSeed, uint256 amountSeed) external {
        address sender = _anyone(senderSeed);
        uint256 amount = bound(amountSeed, 1, MAX_PLEDGE);
        token.mint(sender, amount);
        vm.prank(sender);
        token.transfer(address(escrow), amount);
        // A write after a call to the test's own token, which calls nothing back.
        // solhint-disable-next-line reentrancy
        ghostStray += amount;
        seen[uint256(Path.Stray)]++;
    }

    /// @notice The actions the invariant fuzzer calls; a selector listed twice is drawn twice as often.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](14);
        list[0] = this.pledge.selector;
        list[1] = this.pledge.selector;
        list[2] = this.pledge.selector;
        list[3] = this.pledgeWithPermit.selector;
        list[4] = this.pledgeWithPermit.selector;
        list[5] = this.cancel.selector;
        list[6] = this.warp.selector;
        list[7] = this.warp.selector;
        list[8] = this.warpToEdge.selector;
        list[9] = this.release.selector;
        list[10] = this.refund.selector;
        list[11] = this.refund.selector;
        list[12] = this.refundEveryone.selector;
        list[13] = this.sendStray.selector;
    }

    // =====================================================================================
    // End of run (called from the test's afterInvariant, never by the fuzzer)
    // =====================================================================================

    /// @notice Lets the deadline pass and settles the campaign the only way the rules allow: release
    /// if it succeeded, otherwise refund every remaining backer. Afterwards nothing but the stray
    /// tokens may be left in the escrow.
    function settle() external {
        if (block.timestamp < deadline) vm.warp(deadline);
        CampaignEscrow.State state = modelState();
        if (state == CampaignEscrow.State.Succeeded) _release(beneficiary);
        else if (state == CampaignEscrow.State.Failed) _refundEveryone(uint256(keccak256(abi.encode(block.timestamp))));
    }

    // =====================================================================================
    // Model and views
    // =====================================================================================

    /// @notice The state the rules give from the clock, the model's backers and the release.
    function modelState() public view returns (CampaignEscrow.State) {
        if (ghostReleased) return CampaignEscrow.State.Released;
        if (block.timestamp < deadline) return CampaignEscrow.State.Funding;
        return ghostBackers >= GOAL ? CampaignEscrow.State.Succeeded : CampaignEscrow.State.Failed;
    }

    /// @notice Sum of the model's open pledges.
    function ghostOpenPledges() public view returns (uint256 sum) {
        for (uint256 i = 0; i < ACTORS; i++) {
            sum += ghostPledgeOf[actors[i]];
        }
    }

    function ghostPaidOut() public view returns (uint256) {
        return ghostCancelledOut + ghostRefundedOut + ghostReleasedOut;
    }

    // =====================================================================================
    // Internals
    // =====================================================================================

    function _funding() internal view returns (bool) {
        return block.timestamp < deadline;
    }

    function _pledgeAmount(bool isNew, uint256 seed) internal pure returns (uint256) {
        return isNew ? bound(seed, MIN_PLEDGE, MAX_PLEDGE) : bound(seed, 1, MAX_PLEDGE);
    }

    /// @notice Three times in four the first actor from the seed's index on that holds a pledge
    /// (if any does); otherwise the seed's actor, pledge or not.
    function _mostlyABacker(uint256 seed) internal view returns (address) {
        uint256 start = (seed >> 2) % ACTORS;
        if (seed % 4 != 0) {
            for (uint256 i = 0; i < ACTORS; i++) {
                address actor = actors[(start + i) % ACTORS];
                if (ghostPledgeOf[actor] > 0) return actor;
            }
        }
        return actors[start];
    }

    /// @notice An actor, the beneficiary, or any address at all.
    function _anyone(uint256 seed) internal view returns (address) {
        uint256 kind = seed % 4;
        if (kind == 0) return beneficiary;
        if (kind == 3) return address(uint160(bound(seed >> 2, 1, type(uint160).max)));
        return actors[(seed >> 2) % ACTORS];
    }

    function _fundAndApprove(address backer, uint256 amount, uint256 allowance) internal {
        token.mint(backer, amount);
        vm.prank(backer);
        token.approve(address(escrow), allowance);
    }

    function _signPermit(uint256 key, address owner, uint256 amount, uint256 permitDeadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(escrow), amount, token.nonces(owner), permitDeadline));
        (v, r, s) = vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function _recordPledge(address backer, uint256 amount) internal {
        if (ghostPledgeOf[backer] == 0) ghostBackers++;
        ghostPledgeOf[backer] += amount;
        ghostPledgedIn += amount;
    }

    function _release(address caller) internal {
        uint256 amount = ghostOpenPledges();
        uint256 before = token.balanceOf(beneficiary);
        backersAtRelease = escrow.backers();
        timeOfRelease = block.timestamp;
        vm.prank(caller);
        escrow.release();
        if (token.balanceOf(beneficiary) - before != amount) payoutMismatch = true;
        ghostReleased = true;
        ghostReleasedOut += amount;
        seen[uint256(Path.Release)]++;
    }

    function _refund(address backer, address caller) internal {
        uint256 amount = ghostPledgeOf[backer];
        uint256 before = token.balanceOf(backer);
        vm.prank(caller);
        escrow.refund(backer);
        if (token.balanceOf(backer) - before != amount) payoutMismatch = true;
        ghostPledgeOf[backer] = 0;
        ghostBackers--;
        ghostRefundedOut += amount;
        ghostRefunds++;
        seen[uint256(Path.Refund)]++;
    }

    function _refundEveryone(uint256 callerSeed) internal {
        for (uint256 i = 0; i < ACTORS; i++) {
            address backer = actors[i];
            if (ghostPledgeOf[backer] > 0) _refund(backer, _anyone(uint256(keccak256(abi.encode(callerSeed, i)))));
        }
    }

    /// @dev The escrow's revert data for a call made in the wrong state.
    function _wrongState(CampaignEscrow.State required) internal view returns (bytes memory) {
        return abi.encodeWithSelector(CampaignEscrow.WrongState.selector, modelState(), required);
    }

    /// @dev Calls the escrow as `caller`; records `what` unless it reverts with exactly `expected`.
    function _mustRevert(address caller, bytes memory data, bytes memory expected, string memory what) internal {
        vm.prank(caller);
        // A low-level call: the revert data is what is checked.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = address(escrow).call(data);
        if ((ok || keccak256(reason) != keccak256(expected)) && bytes(wrongOutcome).length == 0) wrongOutcome = what;
    }
}
