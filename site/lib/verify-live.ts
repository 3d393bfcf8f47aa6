/**
 * The verify page's live part (`<pp-verify>`, site/pages/verify.astro), one lazy chunk: runs
 * `verifyCampaign` on load against the manifest's RPCs, reading the published artifact next to
 * the page (`./escrow/…`, so it works under a gateway's `/ipfs/<cid>/`), and again with each RPC
 * the verifier adds; shows the verdict, every check, the RPCs' values where they disagree, and
 * the site's own CID from the page's address. Everything is written with textContent: a value
 * read from the chain is shown as data, never as markup.
 */
import {
  VerifyInputError,
  verifyCampaign,
  type VerifyReport,
  type VerifyRow,
} from "./verify/verify-campaign.ts";
import { yieldToMain } from "./verify/yield.ts";
import {
  configAsManifest,
  problemRows,
  rpcsDisagree,
  siteCidFromLocation,
  STATUS_MARKS,
  verdictHeadline,
  type VerifyConfig,
} from "./verify-summary.ts";

/** The performance mark set when the first verdict is on the page (benchmarks read it). */
export const VERDICT_MARK = "pp-verify-verdict";

/** Reads a file of the published artifact, relative to the page. */
async function loadFile(path: string): Promise<Uint8Array> {
  const response = await fetch(new URL(`escrow/${path}`, document.baseURI));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function valueCell(value: string | undefined): HTMLTableCellElement {
  const cell = element("td");
  if (value === undefined) cell.append(element("span", "—", "none"));
  else cell.append(element("code", value));
  return cell;
}

/** The chain's value, or each RPC's when they disagree. */
function chainCell(row: VerifyRow): HTMLTableCellElement {
  if (!rpcsDisagree(row)) return valueCell(row.chain);
  const cell = element("td");
  const list = element("ul", undefined, "per-rpc");
  for (const answer of row.perRpc ?? []) {
    const item = element("li");
    item.append(element("span", `${answer.host}: `, "host"));
    if ("value" in answer) item.append(element("code", answer.value));
    else item.append(element("span", answer.error));
    list.append(item);
  }
  cell.append(list);
  return cell;
}

function tableRow(row: VerifyRow): HTMLTableRowElement {
  const tr = element("tr");
  tr.dataset.check = row.check;
  tr.dataset.status = row.status;
  const name = element("th");
  name.scope = "row";
  name.textContent = row.label;
  const result = element("td");
  const { mark, text } = STATUS_MARKS[row.status];
  const status = element("span", undefined, `status status-${row.status}`);
  status.append(element("span", mark, "mark"), ` ${text}`);
  result.append(status, element("span", row.detail, "detail"));
  tr.append(name, result, valueCell(row.manifest), chainCell(row));
  return tr;
}

/** The sentence under the headline: the block read, and what the verdict rests on. */
function summary(report: VerifyReport): string {
  const parts: string[] = [];
  if (report.block !== undefined) parts.push(`Read at block ${report.block}.`);
  const problems = problemRows(report).filter((row) => !row.check.startsWith("rpc:"));
  if (report.verdict !== "exact-match" && problems[0] !== undefined) parts.push(problems[0].detail);
  if (report.unreachableHosts.length > 0)
    parts.push(`Not reached: ${report.unreachableHosts.join(", ")} (the other RPCs were still checked).`);
  return parts.join(" ");
}

function field(root: HTMLElement, name: string): HTMLElement {
  const found = root.querySelector<HTMLElement>(`[data-field="${name}"]`);
  if (found === null) throw new Error(`the verify page has no ${name} field`);
  return found;
}

function show(root: HTMLElement, report: VerifyReport): void {
  root.dataset.verdict = report.verdict;
  field(root, "verdict").textContent = verdictHeadline(report);
  field(root, "summary").textContent = summary(report);
  const body = field(root, "rows");
  body.replaceChildren(...report.rows.map(tableRow));
}

/** Whether `text` is an http(s) URL a JSON-RPC request can go to. */
function rpcUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function startVerify(root: HTMLElement): () => void {
  const config = JSON.parse(root.dataset.config ?? "{}") as VerifyConfig;
  const manifest = configAsManifest(config);
  const extra: string[] = [];
  let stopped = false;
  let run = 0;
  let first = true;

  const cid = siteCidFromLocation(location);
  const cidField = root.querySelector<HTMLElement>('[data-field="site-cid"]');
  if (cidField !== null) {
    cidField.textContent =
      cid === undefined
        ? `This page is not served from IPFS (its address, ${location.host}, holds no CID): compare the CID you rebuild with the one the campaign published.`
        : `This page's IPFS CID is ${cid}. Rebuilding the site gives this CID if the page is the published one.`;
  }

  const check = async (): Promise<void> => {
    const mine = ++run;
    root.setAttribute("aria-busy", "true");
    field(root, "verdict").textContent = "Checking…";
    let report: VerifyReport | undefined;
    let failure: string | undefined;
    try {
      report = await verifyCampaign({ manifest, loadFile, rpcUrls: extra });
      // The last source hashes and the rows are drawn in separate tasks.
      await yieldToMain();
    } catch (error) {
      failure =
        error instanceof VerifyInputError
          ? `Could not reach the published artifact: ${error.message} Reload the page to try again.`
          : "Could not run the checks: something went wrong in this page. Reload the page to try again, or run npm run verify.";
    }
    if (stopped || mine !== run) return;
    root.removeAttribute("aria-busy");
    if (report !== undefined) show(root, report);
    else {
      root.dataset.verdict = "error";
      field(root, "verdict").textContent = failure ?? "";
      field(root, "summary").textContent = "";
    }
    if (first) {
      first = false;
      performance.mark(VERDICT_MARK);
    }
  };

  const form = root.querySelector<HTMLFormElement>("form[data-rpc-form]");
  const input = form?.querySelector<HTMLInputElement>("input");
  const formMessage = root.querySelector<HTMLElement>('[data-field="form-message"]');
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    if (input === null || input === undefined) return;
    const url = rpcUrl(input.value);
    if (url === undefined) {
      input.setAttribute("aria-invalid", "true");
      if (formMessage)
        formMessage.textContent =
          "That is not an RPC URL: type an address starting with https:// or http://, such as https://rpc.example.org.";
      return;
    }
    input.removeAttribute("aria-invalid");
    if (!extra.includes(url)) extra.push(url);
    if (formMessage) formMessage.textContent = `Checking again with ${new URL(url).host} too.`;
    void check();
  };
  form?.addEventListener("submit", onSubmit);
  // The form is on the page from the start, disabled until this code can act on it.
  const fieldset = root.querySelector<HTMLFieldSetElement>('[data-field="rpc-fieldset"]');
  if (fieldset !== null) fieldset.disabled = false;

  // The first check starts in a task of its own, apart from this chunk's evaluation.
  void yieldToMain().then(() => (stopped ? undefined : check()));
  return () => {
    stopped = true;
    form?.removeEventListener("submit", onSubmit);
    if (fieldset !== null) fieldset.disabled = true;
  };
}
