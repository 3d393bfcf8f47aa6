// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {EscrowHandler} from "./EscrowHandler.sol";

/**
 * @notice Properties of the escrow that must hold after any sequence of pledges, permits,
 * cancels, time passing, releases, refunds and stray transfers (see EscrowHandler), checked after
 * every call; {afterInvariant} then settles each run and checks that everything pledged came out.
 */
contract CampaignEscrowInvariants {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    EscrowHandler internal handler;
    CampaignEscrow internal escrow;
    TestStablecoin internal token;

    function setUp() public {
        handler = new EscrowHandler();
        escrow = handler.escrow();
        token = handler.token();
    }

    /// @dev Read by the invariant runner: only the handler is called…
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev …and only its actions (not settle or the views).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), handler.selectors());
    }

    function _escrowBalance() internal view returns (uint256) {
        return token.balanceOf(address(escrow));
    }

    /// @dev Sum of pledgeOf over the actors and how many of them hold a pledge.
    function _pledges() internal view returns (uint256 sum, uint256 holders) {
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            uint256 amount = escrow.pledgeOf(handler.actors(i));
            sum += amount;
            if (amount > 0) holders++;
        }
    }

    function invariant_balanceCoversOpenPledges() public view {
        if (handler.ghostReleased()) return;
        (uint256 sum,) = _pledges();
        require(_escrowBalance() >= escrow.totalPledged(), "balance below totalPledged");
        require(_escrowBalance() >= sum, "balance below the sum of pledges");
    }

    function invariant_balanceIsExactlyOpenPledgesPlusStrayTokens() public view {
        uint256 open = handler.ghostReleased() ? 0 : handler.ghostOpenPledges();
        require(_escrowBalance() == open + handler.ghostStray(), "balance != open pledges + stray tokens");
    }

    function invariant_backersIsTheNumberOfActorsWithAPledge() public view {
        (, uint256 holders) = _pledges();
        require(escrow.backers() == holders, "backers != actors with pledgeOf > 0");
        require(escrow.backers() == handler.ghostBackers(), "backers != the model's backers");
    }

    /// @dev Holds after a release too: release keeps the pledges and totalPledged (then the amount released).
    function invariant_totalPledgedIsTheSumOfPledges() public view {
        (uint256 sum,) = _pledges();
        require(escrow.totalPledged() == sum, "totalPledged != sum of pledgeOf");
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            address actor = handler.actors(i);
            require(escrow.pledgeOf(actor) == handler.ghostPledgeOf(actor), "pledgeOf != the model's pledge");
        }
    }

    function invariant_stateFollowsClockBackersAndRelease() public view {
        require(escrow.state() == handler.modelState(), "state != the model's state");
    }

    function invariant_releaseAndRefundsAreMutuallyExclusive() public view {
        require(!(handler.ghostReleased() && handler.ghostRefunds() > 0), "both released and refunded");
        require(handler.ghostReleased() == (escrow.state() == CampaignEscrow.State.Released), "release flag != state");
    }

    function invariant_releaseOnlyAtOrAboveGoalAfterDeadline() public view {
        if (escrow.state() != CampaignEscrow.State.Released) return;
        require(handler.backersAtRelease() >= escrow.goalBackers(), "released below the goal");
        require(handler.timeOfRelease() >= escrow.deadline(), "released before the deadline");
        require(escrow.backers() >= escrow.goalBackers(), "backers below the goal after the release");
        require(token.balanceOf(handler.beneficiary()) == handler.ghostReleasedOut(), "beneficiary got other than the pledges");
        require(handler.ghostReleasedOut() == escrow.totalPledged(), "released amount != totalPledged");
    }

    function invariant_paidOutNeverExceedsPledgedIn() public view {
        uint256 paidOut = handler.ghostPaidOut();
        require(paidOut <= handler.ghostPledgedIn(), "paid out more than was pledged");
        uint256 held = handler.ghostReleased() ? 0 : escrow.totalPledged();
        require(handler.ghostPledgedIn() - paidOut == held, "pledged in - paid out != pledges still held");
    }

    function invariant_cancelNeverDropsBelowGoalInTheLastDay() public view {
        require(!handler.cancelRuleBroken(), "a cancel took the campaign below its goal in the last 24 hours");
    }

    function invariant_everyPayoutIsExactlyThePledge() public view {
        require(!handler.payoutMismatch(), "a cancel, refund or release paid other than the pledges");
    }

    function invariant_forbiddenCallsRevertWithTheExpectedError() public view {
        string memory wrong = handler.wrongOutcome();
        require(bytes(wrong).length == 0, wrong);
    }

    /// @dev After a failure every open pledge is individually covered, so no backer's refund can
    /// depend on the others; {afterInvariant} then actually refunds every backer.
    function invariant_everyBackerIsRefundableAfterFailure() public view {
        if (escrow.state() != CampaignEscrow.State.Failed) return;
        uint256 balance = _escrowBalance();
        uint256 sum;
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            uint256 amount = escrow.pledgeOf(handler.actors(i));
            require(amount <= balance, "a pledge exceeds what the escrow holds");
            sum += amount;
        }
        require(sum <= balance, "the escrow cannot refund every backer");
        require(handler.ghostRefundedOut() + sum + handler.ghostCancelledOut() == handler.ghostPledgedIn(), "refunds lost track");
    }

    /// @dev Run at the end of every run: settle the campaign (release if it succeeded, refund
    /// everyone if it failed) and check that every pledged token went out exactly once.
    function afterInvariant() public {
        handler.settle();
        CampaignEscrow.State state = escrow.state();
        require(state == CampaignEscrow.State.Released || state == CampaignEscrow.State.Failed, "campaign not settled");
        if (state == CampaignEscrow.State.Failed) {
            require(escrow.backers() == 0 && escrow.totalPledged() == 0, "pledges left after refunding every backer");
            require(handler.ghostReleasedOut() == 0, "a failed campaign released");
        } else {
            require(handler.ghostRefunds() == 0, "a released campaign refunded");
        }
        require(!handler.payoutMismatch(), "a settlement paid other than the pledges");
        require(handler.ghostPaidOut() == handler.ghostPledgedIn(), "not every pledged token was paid out exactly once");
        require(_escrowBalance() == handler.ghostStray(), "the escrow holds other than the stray tokens");
    }
}
