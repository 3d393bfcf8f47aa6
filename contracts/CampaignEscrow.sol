// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @title CampaignEscrow
 * @notice All-or-nothing crowdfunding escrow counted in backers. Backers pledge an ERC-20
 * stablecoin until `deadline`. If at least `goalBackers` distinct addresses hold a pledge at the
 * deadline, anyone may {release} every pledged token to `beneficiary`; otherwise each backer's
 * whole pledge can be {refund}ed to that backer. Nothing else can move the money: there is no
 * owner, admin, pause, upgrade, fee or sweep, and every parameter is immutable.
 *
 * @dev Decisions a reviewer will ask about:
 *
 * - Deadline second: pledges and cancels are accepted while `block.timestamp < deadline`. A
 *   transaction mined in a block whose timestamp equals `deadline` already sees the final outcome
 *   and reverts with {WrongState}; so does one mined later.
 * - Tokens sent to the escrow directly (a `transfer` instead of a pledge) are not pledges: they
 *   count for no backer, are neither released nor refunded, and stay locked in the escrow forever,
 *   because no sweep exists. {release} pays exactly {totalPledged} and {refund} exactly
 *   {pledgeOf}, so stray tokens can never let anyone take more than was pledged.
 * - Issuer powers: a stablecoin issuer that blacklists or pauses can block transfers. A
 *   blacklisted beneficiary makes {release} revert (the funds stay in the escrow until the issuer
 *   lifts it; the beneficiary is immutable). A blacklisted backer's {pledge} or {refund} reverts
 *   for that backer only; every other backer's refund is independent and unaffected.
 * - Fee-on-transfer and rebasing-down tokens are refused: a pledge whose received amount differs
 *   from `amount` reverts with {AmountNotReceived}.
 * - Reentrancy: every state-changing function is `nonReentrant` (transient storage) and follows
 *   checks-effects-interactions, so a token that calls back cannot reenter.
 * - Complexity: every function is O(1); there is no loop over backers.
 */
contract CampaignEscrow is ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The campaign's phase. `Funding` before the deadline; after it, `Succeeded` if the
    /// goal was met or `Failed` if not; `Released` once the funds were paid to the beneficiary.
    enum State {
        Funding,
        Succeeded,
        Failed,
        Released
    }

    /// @notice Length of the window before the deadline in which a cancel may not take the
    /// campaign from at or above the goal to below it (Kickstarter's rule).
    uint256 public constant CANCEL_LOCK_WINDOW = 24 hours;

    /// @notice The ERC-20 token pledges are made in.
    IERC20 public immutable token;
    /// @notice Receives every pledged token if the campaign succeeds.
    address public immutable beneficiary;
    /// @notice Number of distinct backers needed by the deadline.
    uint32 public immutable goalBackers;
    /// @notice Smallest first pledge, in the token's smallest unit.
    uint256 public immutable minPledge;
    /// @notice Unix time (seconds) from which no pledge or cancel is accepted and the outcome is fixed.
    uint64 public immutable deadline;

    /// @dev Campaign totals packed in one storage slot so a pledge touches it once.
    struct Totals {
        uint128 pledged;
        uint64 backers;
        bool released;
    }

    Totals private _totals;
    mapping(address backer => uint256) private _pledges;

    /// @notice A pledge of `amount` by `backer`; `backers` is the backer count after it.
    /// @param backer The pledging address.
    /// @param amount Tokens pledged, in the token's smallest unit.
    /// @param backers The backer count after the pledge.
    event Pledged(address indexed backer, uint256 amount, uint256 backers);
    /// @notice `backer` withdrew its whole pledge of `amount`; `backers` is the count after it.
    /// @param backer The cancelling address.
    /// @param amount Tokens paid back, in the token's smallest unit.
    /// @param backers The backer count after the cancel.
    event Cancelled(address indexed backer, uint256 amount, uint256 backers);
    /// @notice `amount` (every pledged token) was paid to `beneficiary`.
    /// @param beneficiary The campaign's beneficiary.
    /// @param amount Tokens paid, in the token's smallest unit.
    event Released(address indexed beneficiary, uint256 amount);
    /// @notice `backer`'s whole pledge of `amount` was paid back to it.
    /// @param backer The refunded backer.
    /// @param amount Tokens paid back, in the token's smallest unit.
    event Refunded(address indexed backer, uint256 amount);

    /// @notice The constructor got the zero address as token.
    error InvalidToken();
    /// @notice The constructor got the zero address as beneficiary.
    error InvalidBeneficiary();
    /// @notice The constructor got a goal of zero backers.
    error InvalidGoal();
    /// @notice The constructor got a minimum pledge of zero.
    error InvalidMinPledge();
    /// @notice The constructor got a `deadline` that is not after the current block's time `now`.
    error DeadlineNotInFuture(uint64 deadline, uint256 now);
    /// @notice The call needs the campaign in state `required`, but it is in state `current`.
    error WrongState(State current, State required);
    /// @notice A pledge of zero tokens.
    error ZeroPledge();
    /// @notice A first pledge of `amount` is below the minimum `minPledge`.
    error PledgeBelowMinimum(uint256 amount, uint256 minPledge);
    /// @notice `backer` has no pledge to cancel or refund.
    error NoPledge(address backer);
    /// @notice In the last {CANCEL_LOCK_WINDOW} before the deadline, a cancel would take the
    /// campaign from `backers` (at or above the goal) to below `goalBackers`.
    error CancelWouldMissGoal(uint256 backers, uint256 goalBackers);
    /// @notice The token delivered `received` instead of `expected` (fee-on-transfer or rebasing token).
    error AmountNotReceived(uint256 expected, uint256 received);
    /// @notice The permit was rejected and the escrow's allowance from `backer` (`allowance`) does
    /// not cover `amount`.
    error PermitRejected(address backer, uint256 allowance, uint256 amount);

    /**
     * @notice Creates a campaign. All five values are immutable.
     * @param token_ The ERC-20 pledges are made in (a stablecoin; not fee-on-transfer).
     * @param beneficiary_ Receives the pledged tokens if the goal is met.
     * @param goalBackers_ Distinct backers needed by the deadline; at least 1.
     * @param minPledge_ Smallest first pledge in the token's smallest unit; at least 1.
     * @param deadline_ Unix time in seconds, after the current block's timestamp.
     */
    constructor(IERC20 token_, address beneficiary_, uint32 goalBackers_, uint256 minPledge_, uint64 deadline_) {
        if (address(token_) == address(0)) revert InvalidToken();
        if (beneficiary_ == address(0)) revert InvalidBeneficiary();
        if (goalBackers_ == 0) revert InvalidGoal();
        if (minPledge_ == 0) revert InvalidMinPledge();
        if (deadline_ <= block.timestamp) revert DeadlineNotInFuture(deadline_, block.timestamp);
        token = token_;
        beneficiary = beneficiary_;
        goalBackers = goalBackers_;
        minPledge = minPledge_;
        deadline = deadline_;
    }

    /**
     * @notice Pledges `amount` tokens, pulled from the caller with `transferFrom` (approve first).
     * A first pledge must be at least {minPledge} and makes the caller a backer; later pledges top
     * it up by any positive amount without adding a backer.
     * @dev Reverts with {WrongState} from the deadline on, {ZeroPledge}, {PledgeBelowMinimum}, or
     * {AmountNotReceived} if the escrow's balance did not grow by exactly `amount`.
     * @param amount Tokens to pledge, in the token's smallest unit.
     */
    function pledge(uint256 amount) external nonReentrant {
        _pledge(msg.sender, amount);
    }

    /**
     * @notice Approves the escrow with an EIP-2612 permit signed by the caller, then pledges
     * `amount` like {pledge}: one signature and one transaction.
     * @dev If the permit call fails (for instance because someone already submitted the same
     * signature), the pledge still goes ahead as long as the allowance covers `amount`; otherwise
     * it reverts with {PermitRejected}. A front-run permit therefore cannot block a pledge.
     * @param amount Tokens to pledge and the permit's value.
     * @param permitDeadline The permit's deadline (Unix seconds).
     * @param v Signature `v`.
     * @param r Signature `r`.
     * @param s Signature `s`.
     */
    function pledgeWithPermit(uint256 amount, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        // A permit that went through leaves nothing more to do: the pledge follows.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {}
        catch {
            uint256 allowance = token.allowance(msg.sender, address(this));
            if (allowance < amount) revert PermitRejected(msg.sender, allowance, amount);
        }
        _pledge(msg.sender, amount);
    }

    /**
     * @notice Withdraws the caller's whole pledge before the deadline; the caller stops being a
     * backer. In the last {CANCEL_LOCK_WINDOW} before the deadline, a cancel that would take the
     * campaign from at or above the goal to below it is refused.
     * @dev Reverts with {WrongState} from the deadline on, {NoPledge}, or {CancelWouldMissGoal}.
     */
    function cancel() external nonReentrant {
        _requireState(State.Funding);
        uint256 amount = _pledges[msg.sender];
        if (amount == 0) revert NoPledge(msg.sender);
        Totals memory totals = _totals;
        // Going from at or above the goal to below it by one backer means being exactly at the goal.
        if (block.timestamp + CANCEL_LOCK_WINDOW >= deadline && totals.backers == goalBackers) {
            revert CancelWouldMissGoal(totals.backers, goalBackers);
        }

        _removePledge(msg.sender, amount, totals);
        emit Cancelled(msg.sender, amount, totals.backers);

        token.safeTransfer(msg.sender, amount);
    }

    /**
     * @notice Pays every pledged token to {beneficiary}. Anyone may call it, once, after the
     * deadline of a campaign that met its goal.
     * @dev Reverts with {WrongState} unless the state is `Succeeded`. Pays exactly {totalPledged}.
     */
    function release() external nonReentrant {
        _requireState(State.Succeeded);
        uint256 amount = _totals.pledged;
        _totals.released = true;
        emit Released(beneficiary, amount);

        token.safeTransfer(beneficiary, amount);
    }

    /**
     * @notice Pays `backer`'s whole pledge back to `backer` after a failed campaign. Anyone may
     * call it (the tokens always go to `backer`), once per backer.
     * @dev Reverts with {WrongState} unless the state is `Failed`, or {NoPledge}.
     * @param backer The backer to refund.
     */
    function refund(address backer) external nonReentrant {
        _requireState(State.Failed);
        uint256 amount = _pledges[backer];
        if (amount == 0) revert NoPledge(backer);

        _removePledge(backer, amount, _totals);
        emit Refunded(backer, amount);

        token.safeTransfer(backer, amount);
    }

    /**
     * @notice The campaign's phase, derived from the clock, the backer count and the release.
     * @return The current {State}.
     */
    function state() public view returns (State) {
        Totals memory totals = _totals;
        if (totals.released) return State.Released;
        if (block.timestamp < deadline) return State.Funding;
        return totals.backers >= goalBackers ? State.Succeeded : State.Failed;
    }

    /**
     * @notice Number of addresses that currently hold a pledge.
     * @return The backer count.
     */
    function backers() external view returns (uint256) {
        return _totals.backers;
    }

    /**
     * @notice Sum of all pledges currently held (after a release: the amount that was released).
     * @return The total, in the token's smallest unit.
     */
    function totalPledged() external view returns (uint256) {
        return _totals.pledged;
    }

    /**
     * @notice The pledge `backer` currently holds; zero after a cancel or refund.
     * @param backer The address to look up.
     * @return The pledge, in the token's smallest unit.
     */
    function pledgeOf(address backer) external view returns (uint256) {
        return _pledges[backer];
    }

    function _pledge(address backer, uint256 amount) private {
        _requireState(State.Funding);
        if (amount == 0) revert ZeroPledge();
        uint256 previous = _pledges[backer];
        if (previous == 0 && amount < minPledge) revert PledgeBelowMinimum(amount, minPledge);

        Totals memory totals = _totals;
        totals.pledged = SafeCast.toUint128(totals.pledged + amount);
        if (previous == 0) ++totals.backers;
        _totals = totals;
        _pledges[backer] = previous + amount;
        emit Pledged(backer, amount, totals.backers);

        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(backer, address(this), amount);
        uint256 balanceAfter = token.balanceOf(address(this));
        if (balanceAfter != balanceBefore + amount) {
            revert AmountNotReceived(amount, balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0);
        }
    }

    /// @dev Deletes `backer`'s pledge and writes `totals` less it back; `totals` is updated in place.
    function _removePledge(address backer, uint256 amount, Totals memory totals) private {
        delete _pledges[backer];
        totals.pledged -= SafeCast.toUint128(amount);
        --totals.backers;
        _totals = totals;
    }

    function _requireState(State required) private view {
        State current = state();
        if (current != required) revert WrongState(current, required);
    }
}
