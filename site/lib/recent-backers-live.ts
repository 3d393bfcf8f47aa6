/**
 * The live part of `<pp-recent-backers>`, loaded after the page: reads the latest pledges
 * (site/lib/recent-backers.ts) through the shared read loop (site/lib/live-poll.ts: the poll
 * schedule's spread and backoff, a re-read on `peerpilot:refresh`) and writes the list. The list
 * is not a live region (a stream of pledges would talk over the page); errors go to the
 * element's status line, in this site's words.
 */
import { createChainReader } from "./chain-read.ts";
import { setText, startLivePoll } from "./live-poll.ts";
import { errorText } from "./progress-view.ts";
import { createPledgeFeed, parseRecentBackersConfig, pledgeRows, type PledgeRow } from "./recent-backers.ts";

/** One `<li>`: "9.95 tUSD from 0x3c44…93bc, 3 minutes ago". */
function rowElement(row: PledgeRow): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.key = row.key;
  const amount = document.createElement("strong");
  amount.textContent = row.amount;
  const backer = document.createElement(row.href === undefined ? "span" : "a");
  if (backer instanceof HTMLAnchorElement && row.href !== undefined) backer.href = row.href;
  backer.className = "backer";
  backer.title = row.address;
  backer.textContent = row.backer;
  const when = document.createElement("time");
  if (row.whenIso !== "") when.dateTime = row.whenIso;
  when.textContent = row.when;
  item.append(amount, " from ", backer, row.when === "" ? "" : ", ", when);
  return item;
}

/** Starts the feed in one `<pp-recent-backers>` element. Returns a function that stops it. */
export function startRecentBackers(root: HTMLElement): () => void {
  const config = parseRecentBackersConfig(root.dataset.config);
  const reader = createChainReader({ rpcUrls: config.rpcUrls, chainId: config.chainId });
  const feed = createPledgeFeed(reader, { escrow: config.escrow, deployBlock: config.deployBlock });
  const list = root.querySelector<HTMLOListElement>("[data-list]");
  const status = root.querySelector("[data-field='status']");
  let readAt = 0;

  function render(): void {
    const now = Number(feed.latestTimestamp ?? BigInt(Math.floor(Date.now() / 1000))) + (Date.now() - readAt) / 1000;
    const rows = pledgeRows(feed.pledges, now, config);
    list?.replaceChildren(...rows.map(rowElement));
    if (list !== null) list.hidden = rows.length === 0;
    root.dataset.state = feed.complete ? "complete" : "scanning";
    setText(status, rows.length > 0 ? "" : feed.complete ? "No pledges yet: be the first." : "Looking for pledges…");
  }

  return startLivePoll({
    async read() {
      const changed = await feed.read();
      readAt = Date.now();
      // Rewritten on every read: the "3 minutes ago" texts move on even when no pledge came.
      render();
      return changed;
    },
    failed(error, retryMs) {
      setText(status, `The recent backers could not be read. ${errorText(config, error, retryMs / 1000)}`);
    },
  });
}
