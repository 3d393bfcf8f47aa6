/**
 * The watch page's live part: the progress (site/lib/progress-live.ts) with the recent backers
 * riding along, so the page runs one read loop and sends one batch per read (the figures, the
 * latest block, and the logs of the blocks since the last read; site/lib/recent-backers.ts).
 * Loaded by `<pp-progress>` when the page holds the list (`[data-recent-backers]`); the back
 * page loads progress-live.ts alone. The list is not a live region (a stream of pledges would
 * talk over the page); why a read failed is said once, by the progress's message.
 */
import type { RawLog } from "./chain-logs.ts";
import type { RpcError } from "./chain-read.ts";
import { setText } from "./live-poll.ts";
import { startProgress } from "./progress-live.ts";
import { createPledgeFeed, parseRecentBackersConfig, pledgeRows, type PledgeRow } from "./recent-backers.ts";

/** One `<li>`: "9.95 tUSD from 0x3c44…93bc, 2027-04-30 18:05 UTC". */
function rowElement(row: PledgeRow): HTMLLIElement {
  const item = document.createElement("li");
  const amount = document.createElement("strong");
  amount.textContent = row.amount;
  const backer = document.createElement(row.href === undefined ? "span" : "a");
  if (row.href !== undefined) (backer as HTMLAnchorElement).href = row.href;
  backer.title = row.address;
  backer.textContent = row.backer;
  const when = document.createElement("time");
  when.dateTime = row.whenIso;
  when.textContent = row.when;
  item.append(amount, " from ", backer, row.when && ", ", when);
  return item;
}

/**
 * Starts the progress in `root` and the recent backers' list on the page. Returns a function that stops both.
 */
export function startWatch(root: HTMLElement): () => void {
  // Loaded only where the page holds the list (site/components/Elements.astro).
  const list = document.querySelector<HTMLElement>("[data-recent-backers]")!;
  const feedConfig = parseRecentBackersConfig(list.dataset.config);
  const items = list.querySelector("ol")!;
  const status = list.querySelector("[data-field='status']");

  return startProgress<RawLog[] | RpcError>(root, (config, reader) => {
    const feed = createPledgeFeed(reader, { escrow: config.escrow, deployBlock: feedConfig.deployBlock });
    return {
      more: feed.more,
      async update(reading) {
        const changed = await feed.update(reading, reading.more);
        const rows = pledgeRows(feed.pledges, { token: config.token, ...feedConfig });
        items.replaceChildren(...rows.map(rowElement));
        items.hidden = rows.length === 0;
        list.dataset.state = feed.complete ? "complete" : "scanning";
        setText(
          status,
          rows.length > 0 ? "" : feed.complete ? "No pledges yet: be the first." : "Looking for pledges…",
        );
        return changed;
      },
      failed() {
        if (feed.pledges.length === 0) setText(status, "The latest pledges could not be read yet.");
      },
    };
  });
}
