// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {EscrowHandler} from "./EscrowHandler.sol";

/**
 * @notice Properties of the escrow that must hold after any sequence of pledges, permits,
 * cancels, time passing, releases, refunds and stray transfers (see EscrowHandler).
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

    /// @dev Read by the invariant fuzzer: only the handler is called.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Read by the invariant fuzzer: only the handler's actions are called.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), handler.selectors());
    }

    function _sumOfPledges() internal view returns (uint256 sum, uint256 withPledge) {
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            uint256 amount = escrow.pledgeOf(handler.actors(i));
            sum += amount;
            if (amount > 0) withPledge++;
        }
    }

    function invariant_balanceIsOpenPledgesPlusStrayTokens() public view {
        uint256 open = handler.released() ? 0 : escrow.totalPledged();
        require(token.balanceOf(address(escrow)) == open + handler.ghostStray(), "balance != open pledges + stray");
    }

    function invariant_balanceCoversOpenPledges() public view {
        if (handler.released()) return;
        require(token.balanceOf(address(escrow)) >= escrow.totalPledged(), "balance below open pledges");
    }

    function invariant_backersCountsAddressesWithAPledge() public view {
        (, uint256 withPledge) = _sumOfPledges();
        require(escrow.backers() == withPledge, "backers != addresses with a pledge");
    }

    function invariant_totalPledgedIsTheSumOfPledges() public view {
        (uint256 sum,) = _sumOfPledges();
        require(escrow.totalPledged() == sum, "totalPledged != sum of pledges");
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            address actor = handler.actors(i);
            require(escrow.pledgeOf(actor) == handler.ghostPledgeOf(actor), "pledgeOf != ghost pledge");
        }
    }

    function invariant_releaseAndRefundsExcludeEachOther() public view {
        require(!(handler.released() && handler.refundCount() > 0), "both released and refunded");
        require(handler.released() == (escrow.state() == CampaignEscrow.State.Released), "release flag != state");
    }

    function invariant_releaseOnlyAtOrAboveGoalAfterDeadline() public view {
        if (!handler.released()) return;
        require(handler.backersAtRelease() >= handler.GOAL(), "released below goal");
        require(handler.timeOfRelease() >= escrow.deadline(), "released before deadline");
        require(token.balanceOf(handler.beneficiary()) == handler.ghostReleasedOut(), "beneficiary got other than the pledges");
    }

    function invariant_paidOutNeverExceedsPledged() public view {
        uint256 out = handler.ghostCancelledOut() + handler.ghostRefundedOut() + handler.ghostReleasedOut();
        require(out <= handler.ghostPledgedIn(), "paid out more than pledged");
        if (!handler.released()) require(handler.ghostPledgedIn() - out == escrow.totalPledged(), "pledged - paid != held");
    }

    function invariant_cancelsInTheLastDayNeverDropTheGoal() public view {
        require(!handler.cancelRuleBroken(), "a cancel dropped the campaign below its goal in the last 24 hours");
    }

    function invariant_refundsAndCancelsPayExactlyThePledge() public view {
        require(!handler.refundMismatch(), "a refund or cancel paid other than the pledge");
    }

    /// @dev After a failure the escrow holds every open pledge, so each backer can be refunded
    /// whatever the others do; the handler's refundEveryone action then refunds them all and
    /// checks each payment (refundMismatch), after which nothing but stray tokens is left.
    function invariant_everyBackerCanBeRefundedAfterFailure() public view {
        if (escrow.state() != CampaignEscrow.State.Failed) return;
        uint256 balance = token.balanceOf(address(escrow));
        for (uint256 i = 0; i < handler.ACTORS(); i++) {
            require(escrow.pledgeOf(handler.actors(i)) <= balance, "a pledge exceeds what the escrow holds");
        }
        require(balance >= escrow.totalPledged(), "escrow holds less than the open pledges");
        if (handler.refundedEveryone()) {
            require(escrow.backers() == 0 && escrow.totalPledged() == 0, "pledges left after refunding everyone");
            require(balance == handler.ghostStray(), "escrow holds more than stray tokens after refunding everyone");
        }
    }
}
