/**
 * The one bootstrap of the site's live elements (`<pp-progress>`, `<pp-back>`): each page's
 * script holds this (a copy per script: see astro.config.mjs) and a line per element, and each
 * element's code arrives with a dynamic import() once it is on the page, so a page ships almost
 * no JavaScript up front.
 */

/** Starts an element's live part on `root`; returns a function that stops its timers and listeners. */
export type StartElement = (root: HTMLElement) => () => void;

export interface LazyElementOptions {
  /** The element's code: a dynamic import() resolving to its start function. */
  load: () => Promise<StartElement>;
  /** The code could not load or start: say so on the page, in this site's words. */
  failed: (root: HTMLElement, error: unknown) => void;
}

/**
 * Defines `<tag>`: loads and starts its code on connect (see {@link LazyElementOptions}), stops it on
 * disconnect.
 */
export function defineLazyElement(tag: string, { load, failed }: LazyElementOptions): void {
  if (customElements.get(tag) !== undefined) return;
  customElements.define(
    tag,
    class extends HTMLElement {
      #stop: (() => void) | undefined;
      #connected = false;

      connectedCallback(): void {
        this.#connected = true;
        load()
          .then((start) => {
            if (this.#connected && this.#stop === undefined) this.#stop = start(this);
          })
          .catch((error: unknown) => failed(this, error));
      }

      disconnectedCallback(): void {
        this.#connected = false;
        this.#stop?.();
        this.#stop = undefined;
      }
    },
  );
}

/** Why a chunk did not load, for a sentence of ours: the error's kind ("TypeError"), never its text. */
export function errorKind(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
