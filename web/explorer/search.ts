/**
 * A search box over searchUnits (diacritics- and case-insensitive on the server): type, move
 * with ↑ ↓, choose with Enter, close with Escape; an ARIA combobox.
 */
import { gql, type UnitRef } from "./api.ts";
import { escapeHtml as h } from "./vocabulary.ts";

const SEARCH = `query Search($text: String!, $asOf: Date) {
  searchUnits(text: $text, first: 12, asOf: $asOf) { id name kind kindLabel province }
}`;

type Hit = UnitRef & { province: string | null };

export function attachSearch(
  input: HTMLInputElement,
  list: HTMLUListElement,
  asOf: () => string,
  onChoose: (unit: Hit) => void,
): void {
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  list.setAttribute("role", "listbox");
  const box = new SearchBox(input, list, asOf, onChoose);
  let timer: number | undefined;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => box.ask(), 200);
  });
  input.addEventListener("keydown", (e) => box.onKey(e));
  list.addEventListener("mousedown", (e) => {
    const li = (e.target as HTMLElement).closest("li");
    if (li) box.choose(Number(li.dataset.index));
    e.preventDefault();
  });
  input.addEventListener("blur", () => window.setTimeout(() => box.close(), 150));
}

/** The hits of one search box and the one marked active. */
class SearchBox {
  private hits: Hit[] = [];
  private active = -1;
  /** Counts the searches asked, so that only the latest one's answer is shown. */
  private asked = 0;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLUListElement;
  private readonly asOf: () => string;
  private readonly onChoose: (unit: Hit) => void;

  constructor(
    input: HTMLInputElement,
    list: HTMLUListElement,
    asOf: () => string,
    onChoose: (unit: Hit) => void,
  ) {
    this.input = input;
    this.list = list;
    this.asOf = asOf;
    this.onChoose = onChoose;
  }

  async ask(): Promise<void> {
    const text = this.input.value.trim();
    const ticket = ++this.asked;
    if (text.length < 2) return this.close();
    try {
      const data = await gql<{ searchUnits: Hit[] }>(SEARCH, { text, asOf: this.asOf() });
      if (ticket !== this.asked) return; // a later keystroke has asked again
      this.hits = data.searchUnits;
      this.active = this.hits.length > 0 ? 0 : -1;
      this.render();
    } catch {
      this.close();
    }
  }

  onKey(e: KeyboardEvent): void {
    const n = this.hits.length;
    if (e.key === "ArrowDown" && n) {
      this.active = (this.active + 1) % n;
      this.render();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && n) {
      this.active = (this.active - 1 + n) % n;
      this.render();
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (this.active >= 0) this.choose(this.active);
      e.preventDefault();
    } else if (e.key === "Escape") this.close();
  }

  choose(i: number): void {
    const hit = this.hits[i];
    if (!hit) return;
    this.input.value = hit.name;
    this.close();
    this.onChoose(hit);
  }

  close(): void {
    this.hits = [];
    this.active = -1;
    this.render();
  }

  private render(): void {
    const { input, list, hits, active } = this;
    list.innerHTML = hits
      .map(
        (u, i) =>
          `<li role="option" id="${list.id}-${i}" data-index="${i}" aria-selected="${i === active}">${h(u.name)} <span class="muted">${h(u.kindLabel)}${u.province ? ` · ${h(u.province)}` : ""}</span></li>`,
      )
      .join("");
    list.hidden = hits.length === 0;
    input.setAttribute("aria-expanded", String(hits.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }
}
