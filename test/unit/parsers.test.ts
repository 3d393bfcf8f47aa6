/** The command-line value parsers every CLI shares (scripts/lib/parsers.ts). */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { UserError } from "../../scripts/lib/cli.ts";
import {
  MAX_GOAL_BACKERS,
  parseAddress,
  parseDeadline,
  parseDeadlineSpec,
  parseDecimalAmount,
  parseGoal,
  parsePort,
  parsePortList,
  parsePositiveInteger,
  parseTokenAmount,
  resolveDeadline,
} from "../../scripts/lib/parsers.ts";
import { addressProblem } from "../../site/lib/address.ts";

/** Asserts that `parse` throws a UserError whose message matches `message`. */
function assertRefused(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof UserError, `not a UserError: ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

const CHECKSUMMED = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("parsePort", () => {
  it("takes 0 (any free port) to 65535", () => {
    assert.equal(parsePort("0"), 0);
    assert.equal(parsePort("8545"), 8545);
    assert.equal(parsePort("65535"), 65_535);
  });

  it("refuses a port out of range or not a number, naming the value", () => {
    assertRefused(() => parsePort("65536"), /port "65536" is not a port number \(0-65535\)/);
    assertRefused(() => parsePort("-1", "--port"), /--port "-1" is not a port number/);
    assertRefused(() => parsePort("80a"), /"80a"/);
    assertRefused(() => parsePort(""), /port "" is not a port number/);
  });
});

describe("parsePortList", () => {
  it("takes the number of ports asked for, separated by commas", () => {
    assert.deepEqual(parsePortList("8080, 8081", 2), [8080, 8081]);
    assert.deepEqual(parsePortList("0,0", 2), [0, 0]);
  });

  it("refuses another number of ports, with an example", () => {
    assertRefused(
      () => parsePortList("8080", 2),
      /ports "8080": give 2 ports separated by commas, e.g. 8080,8081/,
    );
  });

  it("refuses a list holding a bad port", () => {
    assertRefused(() => parsePortList("8080,99999", 2), /"99999" is not a port number/);
  });
});

describe("parsePositiveInteger", () => {
  it("takes a whole number from 1 up", () => {
    assert.equal(parsePositiveInteger("1"), 1);
    assert.equal(parsePositiveInteger("250000"), 250_000);
  });

  it("refuses zero, fractions and words, naming the value", () => {
    assertRefused(() => parsePositiveInteger("0", "runs"), /runs "0" must be a whole number from 1 up/);
    assertRefused(() => parsePositiveInteger("1.5"), /count "1.5"/);
    assertRefused(() => parsePositiveInteger("ten"), /count "ten"/);
  });
});

describe("parseGoal", () => {
  it("takes 1 to 2^32-1 backers", () => {
    assert.equal(parseGoal("1"), 1);
    assert.equal(parseGoal(String(MAX_GOAL_BACKERS)), MAX_GOAL_BACKERS);
  });

  it("refuses a goal the escrow cannot hold", () => {
    assertRefused(() => parseGoal("0"), /goal "0" must be a whole number of backers from 1 to 4294967295/);
    assertRefused(() => parseGoal(String(MAX_GOAL_BACKERS + 1)), /goal "4294967296"/);
  });
});

describe("parseTokenAmount", () => {
  it("turns a human amount into the token's smallest units", () => {
    assert.equal(parseTokenAmount("9.95", 6), 9_950_000n);
    assert.equal(parseTokenAmount("5", 6), 5_000_000n);
  });

  it("refuses more decimals than the token has", () => {
    assertRefused(
      () => parseTokenAmount("1.0000001", 6, "--min-pledge"),
      /--min-pledge "1.0000001" has more decimals than the token's 6/,
    );
  });

  it("refuses zero and what is not a positive decimal number", () => {
    assertRefused(() => parseTokenAmount("0.00", 6), /amount must be greater than zero/);
    assertRefused(() => parseTokenAmount("-1", 6), /amount "-1" must be a positive decimal number like 9.95/);
    assertRefused(() => parseDecimalAmount("1e3"), /amount "1e3" must be a positive decimal number/);
  });
});

describe("parseDeadline", () => {
  const now = 1_800_000_000n;

  it("counts an offset in weeks, days, hours or minutes from now", () => {
    assert.equal(parseDeadline("+6w", now), now + 6n * 604_800n);
    assert.equal(parseDeadline("+42d", now), now + 42n * 86_400n);
    assert.equal(parseDeadline("+12h", now), now + 12n * 3_600n);
    assert.equal(parseDeadline("+30m", now), now + 30n * 60n);
  });

  it("takes an ISO 8601 date-time with a zone as it is", () => {
    assert.equal(parseDeadline("2027-03-01T00:00:00Z", now), 1_803_859_200n);
    assert.equal(parseDeadline("2027-03-01T01:00:00+01:00", now), 1_803_859_200n);
  });

  it("parses first and resolves against the chain's time later", () => {
    const spec = parseDeadlineSpec("+1h");
    assert.equal(resolveDeadline(spec, 100n), 3_700n);
    assert.equal(resolveDeadline(parseDeadlineSpec("2027-03-01T00:00:00Z"), 100n), 1_803_859_200n);
  });

  it("refuses a date without a time zone, an unknown unit and an impossible date", () => {
    assertRefused(
      () => parseDeadlineSpec("2027-03-01"),
      /deadline "2027-03-01" must be an ISO 8601 date-time/,
    );
    assertRefused(() => parseDeadlineSpec("+6y"), /deadline "\+6y"/);
    assertRefused(() => parseDeadlineSpec("2027-02-30T25:00:00Z"), /deadline "2027-02-30T25:00:00Z"/);
  });
});

describe("parseAddress", () => {
  it("returns the checksummed form of a lowercase or checksummed address", () => {
    assert.equal(parseAddress(CHECKSUMMED.toLowerCase(), "--token"), CHECKSUMMED);
    assert.equal(parseAddress(CHECKSUMMED, "--token"), CHECKSUMMED);
  });

  it("refuses a missing, malformed, mis-checksummed or zero address, in the manifest's words", () => {
    assertRefused(() => parseAddress(undefined, "--token"), /--token is required/);
    assertRefused(
      () => parseAddress("0x12", "--token"),
      /--token "0x12": expected a 0x-prefixed 20-byte hex address/,
    );
    const typo = CHECKSUMMED.replace("C51812dc", "c51812dc");
    assertRefused(() => parseAddress(typo, "--beneficiary"), /EIP-55 checksum is wrong/);
    assertRefused(() => parseAddress(`0x${"0".repeat(40)}`, "--token"), /must not be the zero address/);
  });

  it("uses the same rule as the manifest (addressProblem)", () => {
    assert.equal(addressProblem(CHECKSUMMED), undefined);
    assert.equal(
      addressProblem(CHECKSUMMED.toUpperCase().replace("0X", "0x")),
      "mixed-case address whose EIP-55 checksum is wrong (a typo?)",
    );
  });
});
