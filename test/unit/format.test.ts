import assert from "node:assert/strict";
import { describe, it } from "vitest";
import {
  byteUnit,
  formatByteRate,
  formatBytes,
  formatDeadline,
  formatInteger,
  formatPercent,
  formatTimeLeft,
  formatTokenAmount,
  formatUnits,
} from "../../site/lib/format.ts";

const tUSD = { symbol: "tUSD", decimals: 6 };

describe("formatUnits", () => {
  it("shows the reference minimum pledge, 9950000 at 6 decimals, as 9.95", () => {
    assert.equal(formatUnits(9_950_000n, 6), "9.95");
  });

  it("groups whole tokens in thousands and drops an all-zero fraction", () => {
    assert.equal(formatUnits(2_487_500_000_000n, 6), "2,487,500");
  });

  it("keeps every significant fraction digit of a 6-decimals amount", () => {
    assert.equal(formatUnits(1_234_567_890_123n, 6), "1,234,567.890123");
  });

  it("shows amounts below one unit with a leading zero and no lost digits", () => {
    assert.equal(formatUnits(1n, 6), "0.000001");
    assert.equal(formatUnits(1n, 18), "0.000000000000000001");
  });

  it("formats an 18-decimals amount exactly", () => {
    assert.equal(formatUnits(9_950_000_000_000_000_000n, 18), "9.95");
    assert.equal(formatUnits(123_456_789_012_345_678_901_234n, 18), "123,456.789012345678901234");
  });

  it("shows zero as 0 at any number of decimals", () => {
    assert.equal(formatUnits(0n, 6), "0");
    assert.equal(formatUnits(0n, 18), "0");
    assert.equal(formatUnits(0n, 0), "0");
  });

  it("formats numbers far beyond 2^53 without rounding", () => {
    const max = 2n ** 256n - 1n;
    const digits = max.toString();
    const expectedWhole = digits.slice(0, -18).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    assert.equal(formatUnits(max, 18), `${expectedWhole}.${digits.slice(-18)}`);
  });

  it("treats zero decimals as whole units", () => {
    assert.equal(formatUnits(1_000_000n, 0), "1,000,000");
  });

  it("cuts, never rounds, to maxFractionDigits", () => {
    assert.equal(formatUnits(9_999_999n, 6, { maxFractionDigits: 2 }), "9.99");
    assert.equal(formatUnits(1_000_001n, 6, { maxFractionDigits: 2 }), "1");
  });

  it("rejects a negative or fractional number of decimals", () => {
    assert.throws(() => formatUnits(1n, -1), RangeError);
    assert.throws(() => formatUnits(1n, 1.5), RangeError);
  });
});

describe("formatTokenAmount", () => {
  it("appends the token symbol: 9950000 at 6 decimals is 9.95 tUSD", () => {
    assert.equal(formatTokenAmount(9_950_000n, tUSD), "9.95 tUSD");
  });

  it("shows the reference campaign's full goal, 250,000 × 9.95, as 2,487,500 tUSD", () => {
    assert.equal(formatTokenAmount(250_000n * 9_950_000n, tUSD), "2,487,500 tUSD");
  });
});

describe("formatInteger", () => {
  it("groups thousands with commas, from numbers and bigints alike", () => {
    assert.equal(formatInteger(250_000), "250,000");
    assert.equal(formatInteger(1_234_567_890_123_456_789n), "1,234,567,890,123,456,789");
  });

  it("leaves numbers under a thousand alone", () => {
    assert.equal(formatInteger(0), "0");
    assert.equal(formatInteger(999n), "999");
  });
});

describe("formatPercent", () => {
  it("cuts the share to two decimals", () => {
    assert.equal(formatPercent(1_234n, 250_000n), "0.49%");
  });

  it("says 'less than 0.01%' for a positive share that would print as zero", () => {
    assert.equal(formatPercent(2n, 250_000n), "less than 0.01%");
  });

  it("prints 0% for nothing and 100% for the goal, and goes beyond 100% when exceeded", () => {
    assert.equal(formatPercent(0n, 250_000n), "0%");
    assert.equal(formatPercent(250_000n, 250_000n), "100%");
    assert.equal(formatPercent(312_500n, 250_000n), "125%");
  });
});

describe("formatTimeLeft", () => {
  const MINUTE = 60;
  const HOUR = 60 * MINUTE;
  const DAY = 24 * HOUR;

  it("shows days and hours when a day or more is left", () => {
    assert.equal(formatTimeLeft(12 * DAY + 4 * HOUR + 59 * MINUTE), "12 days 4 hours");
  });

  it("uses the singular for one of a unit", () => {
    assert.equal(formatTimeLeft(DAY + HOUR), "1 day 1 hour");
  });

  it("omits the smaller unit when it is zero", () => {
    assert.equal(formatTimeLeft(3 * DAY), "3 days");
  });

  it("shows hours and minutes under a day", () => {
    assert.equal(formatTimeLeft(3 * HOUR + MINUTE + 30), "3 hours 1 minute");
  });

  it("shows minutes and seconds under an hour", () => {
    assert.equal(formatTimeLeft(5 * MINUTE + 30), "5 minutes 30 seconds");
  });

  it("shows seconds under a minute", () => {
    assert.equal(formatTimeLeft(1), "1 second");
    assert.equal(formatTimeLeft(59.9), "59 seconds");
  });

  it("says the deadline has passed at and after it", () => {
    assert.equal(formatTimeLeft(0), "the deadline has passed");
    assert.equal(formatTimeLeft(-5n), "the deadline has passed");
  });

  it("accepts bigint seconds, as read from the chain", () => {
    assert.equal(formatTimeLeft(BigInt(400 * DAY)), "400 days");
  });
});

describe("formatDeadline", () => {
  it("gives the ISO 8601 UTC time, the date, and a short readable text", () => {
    assert.deepEqual(formatDeadline(1_809_100_800), {
      iso: "2027-04-30T16:00:00Z",
      date: "2027-04-30",
      text: "2027-04-30 16:00 UTC",
    });
  });
});

describe("formatBytes", () => {
  it("counts bytes under 1 KiB, singular for one", () => {
    assert.equal(formatBytes(0), "0 bytes");
    assert.equal(formatBytes(1), "1 byte");
    assert.equal(formatBytes(1023), "1,023 bytes");
  });

  it("tells whole KiB from 1,024 bytes: binary units", () => {
    assert.equal(formatBytes(1024), "1 KiB");
    assert.equal(formatBytes(1536), "2 KiB");
    assert.equal(formatBytes(512 * 1024), "512 KiB");
  });

  it("tells MiB and GiB with one decimal", () => {
    assert.equal(formatBytes(5.3 * 1024 ** 2), "5.3 MiB");
    assert.equal(formatBytes(3.5 * 1024 ** 3), "3.5 GiB");
  });
});

describe("formatByteRate", () => {
  it("tells a rate in the units of formatBytes, per second", () => {
    assert.equal(formatByteRate(512), "512 B/s");
    assert.equal(formatByteRate(200 * 1024), "200 KiB/s");
    assert.equal(formatByteRate(9.7 * 1024 ** 2), "9.7 MiB/s");
    assert.equal(formatByteRate(1.2 * 1024 ** 3), "1.2 GiB/s");
  });
});

describe("byteUnit", () => {
  it("names the unit formatBytes tells a count in, and its size; none under 1 KiB", () => {
    assert.deepEqual(byteUnit(3 * 1024 ** 2), { size: 1024 ** 2, name: "MiB" });
    assert.deepEqual(byteUnit(2 * 1024 ** 3), { size: 1024 ** 3, name: "GiB" });
    assert.equal(byteUnit(1023), undefined);
  });
});
