/**
 * The UnixFS file DAG of the pilot, built from leaf hashes as they come, block for block and in
 * the very order the Storacha client's encoder (`@ipld/unixfs`, balanced layout, raw leaves)
 * emits them when it is fed the way the client feeds it (stream chunks no bigger than a UnixFS
 * chunk, so each write yields at most one chunk). The order matters: it decides the CAR shard
 * boundaries, hence every shard CID.
 *
 * The node structure comes from `@ipld/unixfs`'s own balanced layout engine and the branch
 * bytes from its own codec. What is modelled here is only the emission order of its writer: each
 * write (or the close) starts encode tasks — the new leaves first, then the branches whose
 * children are all encoded — and a task that completes links its block, which may make its
 * parent encodable; that parent queues behind the tasks already started (first in, first out).
 * test/ipfs/pilot-pass.test.ts checks the order against the encoder itself on small chunks and
 * narrow trees of up to four levels.
 */
import { createHash } from "node:crypto";
import * as UnixFS from "@ipld/unixfs";
import * as Balanced from "@ipld/unixfs/file/layout/balanced";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import * as Digest from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";

/** dag-pb, the codec of every branch node. */
const DAG_PB = 0x70;

/** A leaf as the tree is given it: its raw block's SHA-256 and size, and where its bytes are. */
export interface LeafInput<Ref> {
  digest: Uint8Array;
  size: number;
  /** Whatever lets the caller find the leaf's bytes again (a buffer slot and offset). */
  ref: Ref;
}

/** A block, in DAG order: a raw leaf (bytes with the caller) or a branch (bytes here). */
export type TreeBlock<Ref> =
  { kind: "leaf"; cid: CID; size: number; ref: Ref } | { kind: "branch"; cid: CID; bytes: Uint8Array };

interface FileLink {
  cid: CID;
  contentByteLength: number;
  dagByteLength: number;
}

type Layout = ReturnType<typeof Balanced.open>;
type Chunk = { index: number };
interface Pending {
  id: number;
  children: number[];
}

/**
 * Builds the tree: {@link push} every full chunk's leaf in file order, then {@link close} with
 * the last, short chunk's leaf (if the size is not a multiple of the chunk size). Each call
 * returns the blocks it completes, in emission order.
 */
export class BalancedTree<Ref> {
  readonly #engine: ReturnType<typeof Balanced.withWidth>;
  #layout: Layout;
  readonly #leaves: Array<LeafInput<Ref>> = [];
  readonly #links = new Map<number, FileLink>();
  readonly #pending = new Map<number, Pending>();
  /** Which pending branch waits on a node id. */
  readonly #parentOf = new Map<number, Pending>();
  #root: CID | undefined;
  #rootId: number | undefined;

  constructor(width: number) {
    this.#engine = Balanced.withWidth(width);
    this.#layout = this.#engine.open();
  }

  /** The root CID, once {@link close} returned. */
  get root(): CID {
    if (this.#root === undefined) throw new Error("the tree is not closed");
    return this.#root;
  }

  /** Adds a full chunk's leaf. */
  push(leaf: LeafInput<Ref>): Array<TreeBlock<Ref>> {
    const chunk = this.#chunk(leaf);
    const { layout, leaves, nodes } = this.#engine.write(this.#layout, [chunk as never]);
    this.#layout = layout;
    return this.#run(leaves as never, nodes as never);
  }

  /** Ends the file, with the last, short chunk's leaf if there is one. */
  close(last?: LeafInput<Ref>): Array<TreeBlock<Ref>> {
    const written =
      last === undefined
        ? { layout: this.#layout, leaves: [], nodes: [] }
        : this.#engine.write(this.#layout, [this.#chunk(last) as never]);
    const closed = this.#engine.close(written.layout, {});
    const root = closed.root as { id: number; children?: number[]; content?: Chunk };
    this.#rootId = root.id;
    const isLeaf = root.children === undefined;
    const leaves = [...written.leaves, ...closed.leaves, ...(isLeaf ? [root] : [])] as Array<{
      id: number;
      content?: Chunk;
    }>;
    const nodes = [...written.nodes, ...closed.nodes, ...(isLeaf ? [] : [root])] as Pending[];
    const blocks = this.#run(leaves, nodes);
    if (this.#root === undefined) throw new Error("the tree's root was not linked");
    return blocks;
  }

  #chunk(leaf: LeafInput<Ref>): Chunk {
    this.#leaves.push(leaf);
    return { index: this.#leaves.length - 1 };
  }

  /** Runs one write's tasks to completion, first in, first out. */
  #run(leaves: Array<{ id: number; content?: Chunk }>, nodes: Pending[]): Array<TreeBlock<Ref>> {
    const queue: Array<() => [number, FileLink, TreeBlock<Ref>]> = [];
    for (const leaf of leaves) queue.push(() => this.#leafTask(leaf));
    for (const node of nodes) {
      const pending = { id: node.id, children: [...node.children] };
      if (pending.children.every((child) => this.#links.has(child)))
        queue.push(() => this.#branchTask(pending));
      else {
        this.#pending.set(pending.id, pending);
        for (const child of pending.children) if (!this.#links.has(child)) this.#parentOf.set(child, pending);
      }
    }
    const blocks: Array<TreeBlock<Ref>> = [];
    for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
      const [id, link, block] = task();
      this.#links.set(id, link);
      blocks.push(block);
      if (id === this.#rootId) this.#root = link.cid;
      const parent = this.#parentOf.get(id);
      if (parent !== undefined) {
        this.#parentOf.delete(id);
        if (parent.children.every((child) => this.#links.has(child))) {
          this.#pending.delete(parent.id);
          queue.push(() => this.#branchTask(parent));
        }
      }
    }
    return blocks;
  }

  #leafTask(leaf: { id: number; content?: Chunk }): [number, FileLink, TreeBlock<Ref>] {
    if (leaf.content === undefined) throw new Error("an empty file has no pilot to prepare");
    const input = this.#leaves[leaf.content.index];
    const cid = CID.createV1(raw.code, Digest.create(sha256.code, input.digest));
    return [
      leaf.id,
      { cid, contentByteLength: input.size, dagByteLength: input.size },
      { kind: "leaf", cid, size: input.size, ref: input.ref },
    ];
  }

  #branchTask(node: Pending): [number, FileLink, TreeBlock<Ref>] {
    const parts = node.children.map((child) => {
      const link = this.#links.get(child) as FileLink;
      // Only the parent needs a child's link: dropping it keeps memory flat however long the file.
      if (child !== this.#rootId) this.#links.delete(child);
      return link;
    });
    const bytes = UnixFS.encode({ type: UnixFS.NodeType.File, layout: "advanced", parts } as never);
    const cid = CID.createV1(DAG_PB, Digest.create(sha256.code, createHash("sha256").update(bytes).digest()));
    const link: FileLink = {
      cid,
      contentByteLength: parts.reduce((sum, part) => sum + part.contentByteLength, 0),
      dagByteLength: parts.reduce((sum, part) => sum + part.dagByteLength, bytes.byteLength),
    };
    return [node.id, link, { kind: "branch", cid, bytes }];
  }
}
