/**
 * The one bootstrap of the site's live elements (`<pp-progress>`, `<pp-player>`, `<pp-back>`,
 * `<pp-verify>`): each page's script holds this (a copy per script: see astro.config.mjs) and a
 * line per element, and each element's code arrives with a dynamic import() once it is on the
 * page (or once the fan asks for it), so a page ships almost no JavaScript up front.
 */

/** Starts an element's live part on `root`; returns a function that stops its timers and listeners. */
export type StartElement = (root: HTMLElement) => () => void;

export interface LazyElementOptions {
  /**
   * The element's code: a dynamic import() resolving to its start function, run on each connect (a
   * player's waits for its button first). `disconnected` aborts when the element leaves the page.
   */
  load: (root: HTMLElement, disconnected: AbortSignal) => Promise<StartElement>;
  /** The code could not load or start: say so on the page, in this site's words. */
  failed: (root: HTMLElement, error: unknown) => void;
}

/**
 * Defines `<tag>`: loads and starts its code on connect (see {@link LazyElementOptions}), stops it on
 * disconnect. Each connection starts its part at most once, and a part whose connection ended before its
 * code arrived never starts: moving the element (a disconnect, then a connect) leaves one part running.
 */
export function defineLazyElement(tag: string, { load, failed }: LazyElementOptions): void {
  if (customElements.get(tag) !== undefined) return;
  customElements.define(
    tag,
    class extends HTMLElement {
      /** This connection's: aborted on disconnect, which stops what it started. */
      #connection: AbortController | undefined;

      connectedCallback(): void {
        const { signal } = (this.#connection = new AbortController());
        load(this, signal)
          .then((start) => {
            if (!signal.aborted) signal.addEventListener("abort", start(this));
          })
          .catch((error: unknown) => failed(this, error));
      }

      disconnectedCallback(): void {
        this.#connection?.abort();
      }
    },
  );
}

/** Why a chunk did not load, for a sentence of ours: the error's kind ("TypeError"), never its text. */
export function errorKind(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
