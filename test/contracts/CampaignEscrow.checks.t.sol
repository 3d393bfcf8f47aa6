// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {CampaignEscrow} from "../../contracts/CampaignEscrow.sol";
import {FeeOnTransferToken} from "../../contracts/test/FeeOnTransferToken.sol";
import {TestStablecoin} from "../../contracts/test/TestStablecoin.sol";
import {vm} from "./Cheats.sol";

/// @notice The escrow's input checks, in the Solidity suite (which is what `npm run coverage`
/// measures): each constructor refusal and the fee-on-transfer refusal, with their exact errors.
/// The TypeScript specification (test/escrow) checks the same rules from a client's side.
contract CampaignEscrowChecks {
    uint256 internal constant MIN_PLEDGE = 9_950_000;
    uint32 internal constant GOAL = 250_000;
    uint256 internal constant FEE_BPS = 100;
    uint256 internal constant BPS = 10_000;

    TestStablecoin internal token;
    address internal beneficiary = vm.addr(0xBEEF);
    address internal alice = vm.addr(1);
    uint64 internal deadline;

    function setUp() public {
        token = new TestStablecoin("Test USD", "tUSD");
        deadline = uint64(block.timestamp + 30 days);
    }

    function test_constructorRefusesTheZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.InvalidToken.selector));
        new CampaignEscrow(IERC20(address(0)), beneficiary, GOAL, MIN_PLEDGE, deadline);
    }

    function test_constructorRefusesTheZeroBeneficiary() public {
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.InvalidBeneficiary.selector));
        new CampaignEscrow(token, address(0), GOAL, MIN_PLEDGE, deadline);
    }

    function test_constructorRefusesAGoalOfZeroBackers() public {
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.InvalidGoal.selector));
        new CampaignEscrow(token, beneficiary, 0, MIN_PLEDGE, deadline);
    }

    function test_constructorRefusesAMinimumPledgeOfZero() public {
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.InvalidMinPledge.selector));
        new CampaignEscrow(token, beneficiary, GOAL, 0, deadline);
    }

    function test_constructorRefusesADeadlineThatIsNotInTheFuture() public {
        uint64 now_ = uint64(block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.DeadlineNotInFuture.selector, now_, block.timestamp));
        new CampaignEscrow(token, beneficiary, GOAL, MIN_PLEDGE, now_);
    }

    function test_pledgeRefusesAFeeOnTransferToken() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(FEE_BPS);
        CampaignEscrow escrow = new CampaignEscrow(fot, beneficiary, GOAL, MIN_PLEDGE, deadline);
        fot.mint(alice, MIN_PLEDGE);
        vm.prank(alice);
        fot.approve(address(escrow), MIN_PLEDGE);
        uint256 received = MIN_PLEDGE - (MIN_PLEDGE * FEE_BPS) / BPS;
        vm.expectRevert(abi.encodeWithSelector(CampaignEscrow.AmountNotReceived.selector, MIN_PLEDGE, received));
        vm.prank(alice);
        escrow.pledge(MIN_PLEDGE);
    }
}
