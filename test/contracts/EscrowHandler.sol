// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {vm, bound} from "./Cheats.sol";

/**
 * @notice Drives one CampaignEscrow through random sequences of everything its users can do —
 * pledge, pledge with a (possibly front-run) permit, cancel, let time pass, release, refund, send
 * stray tokens — keeping ghost accounting to check the escrow against. Every action skips what
 * the rules forbid instead of reverting, so any revert is a real failure.
 */
contract EscrowHandler {
    uint256 public constant ACTORS = 8;
    uint32 public constant GOAL = 5;
    uint256 public constant MIN_PLEDGE = 9_950_000;
    uint256 public constant DURATION = 7 days;
    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    TestStablecoin public immutable token;
    CampaignEscrow public immutable escrow;
    address public immutable beneficiary;
    address[ACTORS] public actors;

    // Ghost accounting.
    mapping(address backer => uint256) public ghostPledgeOf;
    uint256 public ghostPledgedIn;
    uint256 public ghostCancelledOut;
    uint256 public ghostRefundedOut;
    uint256 public ghostReleasedOut;
    uint256 public ghostStray;
    uint256 public refundCount;
    bool public released;
    uint256 public backersAtRelease;
    uint256 public timeOfRelease;
    /// @notice Set if a cancel the 24-hour rule forbids went through.
    bool public cancelRuleBroken;
    /// @notice Set if a refund paid a backer anything but its exact pledge.
    bool public refundMismatch;
    /// @notice Set once {refundEveryone} refunded every backer of a failed campaign.
    bool public refundedEveryone;
    uint256 public calls;

    constructor() {
        token = new TestStablecoin("Test USD", "tUSD");
        beneficiary = vm.addr(0xBEEF);
        escrow = new CampaignEscrow(token, beneficiary, GOAL, MIN_PLEDGE, uint64(block.timestamp + DURATION));
        for (uint256 i = 0; i < ACTORS; i++) {
            actors[i] = vm.addr(i + 1);
        }
    }

    function actorKey(uint256 seed) internal pure returns (uint256) {
        return (seed % ACTORS) + 1;
    }

    function funding() internal view returns (bool) {
        return escrow.state() == CampaignEscrow.State.Funding;
    }

    function _pledgeAmount(address backer, uint256 seed) internal view returns (uint256) {
        return escrow.pledgeOf(backer) == 0 ? bound(seed, MIN_PLEDGE, 20 * MIN_PLEDGE) : bound(seed, 1, 20 * MIN_PLEDGE);
    }

    function _recordPledge(address backer, uint256 amount) internal {
        ghostPledgeOf[backer] += amount;
        ghostPledgedIn += amount;
    }

    /// @notice A pledge after an exact approve: a first pledge ≥ the minimum, or a top-up.
    function pledge(uint256 actorSeed, uint256 amountSeed) external {
        calls++;
        if (!funding()) return;
        address backer = actors[actorSeed % ACTORS];
        uint256 amount = _pledgeAmount(backer, amountSeed);
        token.mint(backer, amount);
        vm.prank(backer);
        token.approve(address(escrow), amount);
        vm.prank(backer);
        escrow.pledge(amount);
        _recordPledge(backer, amount);
    }

    /// @notice A pledge with a permit; when `frontRun`, another actor submits the permit first.
    function pledgeWithPermit(uint256 actorSeed, uint256 amountSeed, bool frontRun, uint256 frontRunnerSeed) external {
        calls++;
        if (!funding()) return;
        uint256 key = actorKey(actorSeed);
        address backer = vm.addr(key);
        uint256 amount = _pledgeAmount(backer, amountSeed);
        token.mint(backer, amount);
        uint256 permitDeadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(PERMIT_TYPEHASH, backer, address(escrow), amount, token.nonces(backer), permitDeadline)
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        if (frontRun) {
            vm.prank(actors[frontRunnerSeed % ACTORS]);
            token.permit(backer, address(escrow), amount, permitDeadline, v, r, s);
        }
        vm.prank(backer);
        escrow.pledgeWithPermit(amount, permitDeadline, v, r, s);
        _recordPledge(backer, amount);
    }

    /// @notice A cancel; one the 24-hour rule forbids is tried too, and must fail.
    function cancel(uint256 actorSeed) external {
        calls++;
        if (!funding()) return;
        address backer = actors[actorSeed % ACTORS];
        uint256 amount = escrow.pledgeOf(backer);
        if (amount == 0) return;
        bool forbidden = block.timestamp + escrow.CANCEL_LOCK_WINDOW() >= escrow.deadline() && escrow.backers() == GOAL;
        if (forbidden) {
            vm.prank(backer);
            try escrow.cancel() {
                cancelRuleBroken = true;
            } catch {}
            return;
        }
        uint256 before = token.balanceOf(backer);
        vm.prank(backer);
        escrow.cancel();
        if (token.balanceOf(backer) - before != amount) refundMismatch = true;
        ghostPledgeOf[backer] = 0;
        ghostCancelledOut += amount;
    }

    /// @notice Lets between one second and two days pass.
    function warp(uint256 secondsSeed) external {
        calls++;
        vm.warp(block.timestamp + bound(secondsSeed, 1, 2 days));
    }

    /// @notice Anyone triggers the release once the campaign succeeded.
    function release(uint256 callerSeed) external {
        calls++;
        if (escrow.state() != CampaignEscrow.State.Succeeded) return;
        uint256 amount = escrow.totalPledged();
        backersAtRelease = escrow.backers();
        timeOfRelease = block.timestamp;
        vm.prank(actors[callerSeed % ACTORS]);
        escrow.release();
        released = true;
        ghostReleasedOut += amount;
    }

    /// @notice Anyone triggers a backer's refund once the campaign failed.
    function refund(uint256 backerSeed, uint256 callerSeed) external {
        calls++;
        if (escrow.state() != CampaignEscrow.State.Failed) return;
        address backer = actors[backerSeed % ACTORS];
        uint256 amount = escrow.pledgeOf(backer);
        if (amount == 0) return;
        uint256 before = token.balanceOf(backer);
        vm.prank(actors[callerSeed % ACTORS]);
        escrow.refund(backer);
        if (token.balanceOf(backer) - before != amount || amount != ghostPledgeOf[backer]) refundMismatch = true;
        ghostPledgeOf[backer] = 0;
        ghostRefundedOut += amount;
        refundCount++;
    }

    /// @notice After a failure, refunds every backer still holding a pledge, each triggered by a
    /// random caller: whatever happened before, each must get exactly its pledge back.
    function refundEveryone(uint256 callerSeed) external {
        calls++;
        if (escrow.state() != CampaignEscrow.State.Failed) return;
        for (uint256 i = 0; i < ACTORS; i++) {
            address backer = actors[i];
            uint256 amount = escrow.pledgeOf(backer);
            if (amount == 0) continue;
            uint256 before = token.balanceOf(backer);
            vm.prank(actors[(callerSeed % ACTORS + i) % ACTORS]);
            escrow.refund(backer);
            if (token.balanceOf(backer) - before != amount || amount != ghostPledgeOf[backer]) refundMismatch = true;
            ghostPledgeOf[backer] = 0;
            ghostRefundedOut += amount;
            refundCount++;
        }
        refundedEveryone = true;
    }

    /// @notice Someone transfers tokens to the escrow directly instead of pledging.
    function sendStray(uint256 actorSeed, uint256 amountSeed) external {
        calls++;
        address sender = actors[actorSeed % ACTORS];
        uint256 amount = bound(amountSeed, 1, MIN_PLEDGE);
        token.mint(sender, amount);
        vm.prank(sender);
        token.transfer(address(escrow), amount);
        ghostStray += amount;
    }

    /// @notice The actions the invariant fuzzer may call.
    function selectors() external pure returns (bytes4[] memory list) {
        list = new bytes4[](12);
        list[0] = this.pledge.selector;
        list[1] = this.pledgeWithPermit.selector;
        list[2] = this.cancel.selector;
        list[3] = this.warp.selector;
        list[4] = this.release.selector;
        list[5] = this.refund.selector;
        list[6] = this.sendStray.selector;
        // Pledges and time passing twice as likely, so campaigns both reach and miss their goal.
        list[7] = this.pledge.selector;
        list[8] = this.pledgeWithPermit.selector;
        list[9] = this.warp.selector;
        list[10] = this.refund.selector;
        list[11] = this.refundEveryone.selector;
    }
}
