/**
 * When a fan's torrent brings in the web seeds (site/lib/player-route.ts WebSeedPolicy), on
 * Vitest's fake clock: peers first, the web seeds only when no peer shows up or playback stalls,
 * and out again once peers keep up.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, vi } from "vitest";
import {
  HEALTHY_AHEAD_S,
  PEER_GRACE_MS,
  STALL_GRACE_MS,
  START_GRACE_MS,
  WebSeedPolicy,
} from "../../site/lib/player-route.ts";

/** A policy over a swarm of `peers` (changeable), counting how often it adds the web seeds. */
function policyWith(peers: number) {
  const swarm = { peers, added: 0, removed: 0 };
  const policy = new WebSeedPolicy({
    peerCount: () => swarm.peers,
    addWebSeeds: () => void swarm.added++,
    removeWebSeeds: () => void swarm.removed++,
  });
  return { swarm, policy };
}

describe("the web-seed policy", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("adds no web seed while peers are connected", () => {
    const { swarm, policy } = policyWith(2);
    policy.ready();
    vi.advanceTimersByTime(PEER_GRACE_MS * 10);
    assert.equal(swarm.added, 0);
    assert.equal(policy.added, false);
  });

  it("waits the whole grace period for a peer before adding the web seeds", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    vi.advanceTimersByTime(PEER_GRACE_MS - 1);
    assert.equal(swarm.added, 0);
  });

  it("adds the web seeds once when no peer has connected after the grace period", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    vi.advanceTimersByTime(PEER_GRACE_MS);
    assert.equal(swarm.added, 1);
    assert.equal(policy.added, true);
    policy.waiting();
    vi.advanceTimersByTime(STALL_GRACE_MS * 10);
    assert.equal(swarm.added, 1);
  });

  it("adds the web seeds when playback, once started, waits for data longer than the stall grace, peers or not", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    policy.playing();
    policy.waiting();
    vi.advanceTimersByTime(STALL_GRACE_MS - 1);
    assert.equal(swarm.added, 0);
    vi.advanceTimersByTime(1);
    assert.equal(swarm.added, 1);
  });

  it("gives a connected peer until the start grace after ready to bring the first frame", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    vi.advanceTimersByTime(200);
    policy.waiting();
    vi.advanceTimersByTime(START_GRACE_MS - 201);
    assert.equal(swarm.added, 0);
    vi.advanceTimersByTime(1);
    assert.equal(swarm.added, 1);
  });

  it("adds nothing when the first frame comes within the start grace", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    policy.waiting();
    vi.advanceTimersByTime(START_GRACE_MS - 1);
    policy.playing();
    vi.advanceTimersByTime(START_GRACE_MS * 10);
    assert.equal(swarm.added, 0);
  });

  it("adds nothing when playback resumes within the stall grace", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    policy.playing();
    policy.waiting();
    vi.advanceTimersByTime(STALL_GRACE_MS - 1);
    policy.playing();
    vi.advanceTimersByTime(STALL_GRACE_MS * 10);
    assert.equal(swarm.added, 0);
  });

  it("adds nothing after stop, whatever was pending", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    policy.waiting();
    policy.stop();
    vi.advanceTimersByTime(Math.max(PEER_GRACE_MS, STALL_GRACE_MS) * 10);
    assert.equal(swarm.added, 0);
    assert.equal(vi.getTimerCount(), 0);
  });

  it("adds the web seeds at once when a tracker says no other fan is in the swarm", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    policy.trackerAnswered(0);
    assert.equal(swarm.added, 1);
  });

  it("keeps waiting for peers when a tracker says other fans are in the swarm", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    policy.trackerAnswered(2);
    assert.equal(swarm.added, 0);
  });

  it("adds nothing when a tracker says the swarm is empty but a peer is already connected", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    policy.trackerAnswered(0);
    assert.equal(swarm.added, 0);
  });

  it("adds nothing when a tracker answers after stop", () => {
    const { swarm, policy } = policyWith(0);
    policy.ready();
    policy.stop();
    policy.trackerAnswered(0);
    assert.equal(swarm.added, 0);
  });

  /** A fan whose playback started, then stalled long enough to bring the web seeds in. */
  function stalledFan(peers: number) {
    const fan = policyWith(peers);
    fan.policy.ready();
    fan.policy.playing();
    fan.policy.waiting();
    vi.advanceTimersByTime(STALL_GRACE_MS);
    assert.equal(fan.policy.added, true);
    return fan;
  }

  it("takes the web seeds out once a peer is connected and enough is buffered ahead", () => {
    const { swarm, policy } = stalledFan(1);
    policy.buffered(HEALTHY_AHEAD_S - 1);
    assert.equal(swarm.removed, 0);
    policy.buffered(HEALTHY_AHEAD_S);
    assert.equal(swarm.removed, 1);
    assert.equal(policy.added, false);
  });

  it("keeps the web seeds of a fan with no peer, however much is buffered", () => {
    const { swarm, policy } = stalledFan(0);
    policy.buffered(HEALTHY_AHEAD_S * 10);
    assert.equal(swarm.removed, 0);
    assert.equal(policy.added, true);
  });

  it("brings the web seeds back at the next stall after taking them out", () => {
    const { swarm, policy } = stalledFan(1);
    policy.buffered(HEALTHY_AHEAD_S);
    policy.playing();
    policy.waiting();
    vi.advanceTimersByTime(STALL_GRACE_MS);
    assert.equal(swarm.added, 2);
    assert.equal(policy.added, true);
  });

  it("takes nothing out when the web seeds were never added", () => {
    const { swarm, policy } = policyWith(1);
    policy.ready();
    policy.buffered(HEALTHY_AHEAD_S);
    assert.equal(swarm.removed, 0);
  });
});
