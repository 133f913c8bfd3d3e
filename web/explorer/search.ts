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
  let hits: Hit[] = [];
  let active = -1;
  let timer: number | undefined;
  let asked = 0;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  list.setAttribute("role", "listbox");

  const render = () => {
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
  };
  const close = () => {
    hits = [];
    active = -1;
    render();
  };
  const choose = (i: number) => {
    const hit = hits[i];
    if (!hit) return;
    input.value = hit.name;
    close();
    onChoose(hit);
  };
  const ask = async () => {
    const text = input.value.trim();
    const ticket = ++asked;
    if (text.length < 2) return close();
    try {
      const data = await gql<{ searchUnits: Hit[] }>(SEARCH, { text, asOf: asOf() });
      if (ticket !== asked) return; // a later keystroke has asked again
      hits = data.searchUnits;
      active = hits.length > 0 ? 0 : -1;
      render();
    } catch {
      close();
    }
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && hits.length) {
      active = (active + 1) % hits.length;
      render();
      e.preventDefault();
    } else if (e.key === "ArrowUp" && hits.length) {
      active = (active - 1 + hits.length) % hits.length;
      render();
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (active >= 0) choose(active);
      e.preventDefault();
    } else if (e.key === "Escape") close();
  });
  list.addEventListener("mousedown", (e) => {
    const li = (e.target as HTMLElement).closest("li");
    if (li) choose(Number(li.dataset.index));
    e.preventDefault();
  });
  input.addEventListener("blur", () => window.setTimeout(close, 150));
}
