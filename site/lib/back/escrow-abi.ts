/**
 * The escrow's and the token's ABIs as the back page uses them: human-readable ethers fragments,
 * small enough for the browser bundle (the compiled JSON artifacts are not shipped). Each
 * fragment is checked against the compiled ABI by test/unit/back-abi.test.ts.
 */

export { CampaignState } from "../campaign-state.ts";

/**
 * OpenZeppelin 5's token errors (IERC20Errors, ERC20Permit, Nonces, Pausable). They are in both
 * ABIs: a token's revert bubbles up unchanged through the escrow's SafeERC20 call, so the
 * escrow's interface must decode it too.
 */
export const TOKEN_ERRORS = [
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidSpender(address spender)",
  "error ERC2612ExpiredSignature(uint256 deadline)",
  "error ERC2612InvalidSigner(address signer, address owner)",
  "error InvalidAccountNonce(address account, uint256 currentNonce)",
  "error EnforcedPause()",
] as const;

/** CampaignEscrow's own errors, and those of the OpenZeppelin libraries it uses. */
export const ESCROW_ERRORS = [
  "error InvalidToken()",
  "error InvalidBeneficiary()",
  "error InvalidGoal()",
  "error InvalidMinPledge()",
  "error DeadlineNotInFuture(uint64 deadline, uint256 now)",
  "error WrongState(uint8 current, uint8 required)",
  "error ZeroPledge()",
  "error PledgeBelowMinimum(uint256 amount, uint256 minPledge)",
  "error NoPledge(address backer)",
  "error CancelWouldMissGoal(uint256 backers, uint256 goalBackers)",
  "error AmountNotReceived(uint256 expected, uint256 received)",
  "error PermitRejected(address backer, uint256 allowance, uint256 amount)",
  "error ReentrancyGuardReentrantCall()",
  "error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value)",
  "error SafeERC20FailedOperation(address token)",
] as const;

export const ESCROW_ABI: readonly string[] = [
  "function pledge(uint256 amount)",
  "function pledgeWithPermit(uint256 amount, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)",
  "function cancel()",
  "function release()",
  "function refund(address backer)",
  "function state() view returns (uint8)",
  "function backers() view returns (uint256)",
  "function totalPledged() view returns (uint256)",
  "function pledgeOf(address backer) view returns (uint256)",
  "function goalBackers() view returns (uint32)",
  "function minPledge() view returns (uint256)",
  "function deadline() view returns (uint64)",
  "function token() view returns (address)",
  "function beneficiary() view returns (address)",
  "function CANCEL_LOCK_WINDOW() view returns (uint256)",
  "event Pledged(address indexed backer, uint256 amount, uint256 backers)",
  "event Cancelled(address indexed backer, uint256 amount, uint256 backers)",
  "event Released(address indexed beneficiary, uint256 amount)",
  "event Refunded(address indexed backer, uint256 amount)",
  ...ESCROW_ERRORS,
  ...TOKEN_ERRORS,
];

export const TOKEN_ABI: readonly string[] = [
  "function balanceOf(address account) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 value) returns (bool)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function name() view returns (string)",
  "function nonces(address owner) view returns (uint256)",
  // Not in OpenZeppelin's ERC20Permit (its version is always "1"); USDC's FiatToken has it ("2").
  "function version() view returns (string)",
  // EIP-5267.
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  ...TOKEN_ERRORS,
  "error SafeERC20FailedOperation(address token)",
];
