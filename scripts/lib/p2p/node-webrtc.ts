/**
 * WebRTC for WebTorrent in Node (the seeder and Node test peers; browsers have their own).
 *
 * webrtc-polyfill (over node-datachannel) never fires the final `icecandidate` event with a null
 * candidate that marks the end of ICE gathering, and it reports the gathering state `complete`
 * before it delivers the candidates themselves. simple-peer (non-trickle, as WebTorrent uses it)
 * waits for that null candidate before it sends an offer or answer, so every connection would
 * wait out a 5 s timeout, and a Node seeder never completes a handshake with Chromium.
 *
 * simple-peer constructs webrtc-polyfill's RTCPeerConnection directly (it ignores a `wrtc`
 * option), so the fix goes on that class's prototype: after `setLocalDescription`, once gathering
 * is complete and no candidate has arrived for {@link SETTLE_MS}, the null candidate is fired.
 * The offer or answer then carries every candidate and goes out within milliseconds.
 */
/* eslint-disable @typescript-eslint/no-unnecessary-type-assertion, @typescript-eslint/unbound-method --
   patching webrtc-polyfill's prototype: the assertions pick the DOM overloads tsc checks the patch
   against, and each original method is called back with .call(this). */
import { RTCPeerConnection, RTCPeerConnectionIceEvent } from "webrtc-polyfill";

/** Quiet time after the last local candidate before gathering is declared complete. */
export const SETTLE_MS = 30;

/** webrtc-polyfill's event takes the candidate itself (not the DOM's `(type, init)`). */
const IceEvent = RTCPeerConnectionIceEvent as unknown as new (candidate: RTCIceCandidate | null) => Event;
const prototype = (RTCPeerConnection as unknown as typeof globalThis.RTCPeerConnection).prototype;

interface GatheringWatch {
  timer: NodeJS.Timeout | undefined;
  announced: boolean;
  schedule(): void;
}

const watches = new WeakMap<RTCPeerConnection, GatheringWatch>();
let installed = false;

function watch(pc: RTCPeerConnection): GatheringWatch {
  let state = watches.get(pc);
  if (state !== undefined) return state;
  const created: GatheringWatch = {
    timer: undefined,
    announced: false,
    schedule() {
      clearTimeout(created.timer);
      created.timer = setTimeout(() => {
        if (created.announced || pc.iceGatheringState !== "complete" || !pc.localDescription) return;
        created.announced = true;
        pc.dispatchEvent(new IceEvent(null));
      }, SETTLE_MS);
      created.timer.unref();
    },
  };
  pc.addEventListener("icegatheringstatechange", () => created.schedule());
  pc.addEventListener("icecandidate", (event) => {
    if ((event as RTCPeerConnectionIceEvent).candidate !== null) created.schedule();
  });
  watches.set(pc, created);
  state = created;
  return state;
}

/** Installs the end-of-gathering fix on webrtc-polyfill's RTCPeerConnection (idempotent). */
export function installNodeWebRtcFix(): void {
  if (installed) return;
  installed = true;
  const setLocalDescription = prototype.setLocalDescription as (
    this: RTCPeerConnection,
    description?: RTCLocalSessionDescriptionInit,
  ) => Promise<void>;
  prototype.setLocalDescription = async function (
    this: RTCPeerConnection,
    description?: RTCLocalSessionDescriptionInit,
  ) {
    const state = watch(this);
    state.announced = false;
    await setLocalDescription.call(this, description);
    state.schedule();
  };
  const close = prototype.close;
  prototype.close = function (this: RTCPeerConnection) {
    clearTimeout(watches.get(this)?.timer);
    close.call(this);
  };
}
