/**
 * The page state, mirrored in the URL (?unit=…&date=…&view=…) so that a view can be shared
 * and reloaded. Sets are written as comma-separated lists.
 */

export type View = "network" | "org" | "integrity";

export interface State {
  unit: string | null;
  date: string;
  view: View;
  /** Relation types shown in the network view; empty means all. */
  types: Set<string>;
  /** Units expanded in the network view besides the selected one. */
  open: Set<string>;
  /** Org-chart nodes whose children are shown. */
  org: Set<string>;
  /** Kind groups opened ("<parent>|<kind>"). */
  groups: Set<string>;
  chain: boolean;
  /** The other end of a path from the selected unit. */
  to: string | null;
}

const VIEWS: View[] = ["network", "org", "integrity"];

/** Today in Vietnam (UTC+7), as the service's default asOf. */
export function todayInVietnam(): string {
  return new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
}

const list = (v: string | null) => new Set((v ?? "").split(",").filter(Boolean));

export function readState(search: string): State {
  const p = new URLSearchParams(search);
  const date = p.get("date");
  const view = p.get("view") as View | null;
  return {
    unit: p.get("unit"),
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : todayInVietnam(),
    view: view && VIEWS.includes(view) ? view : "network",
    types: list(p.get("types")),
    open: list(p.get("open")),
    org: list(p.get("org")),
    groups: list(p.get("groups")),
    chain: p.get("chain") === "1",
    to: p.get("to"),
  };
}

export function writeState(s: State): string {
  const p = new URLSearchParams();
  if (s.unit) p.set("unit", s.unit);
  p.set("date", s.date);
  p.set("view", s.view);
  const put = (key: string, set: Set<string>) => {
    if (set.size > 0) p.set(key, [...set].join(","));
  };
  put("types", s.types);
  put("open", s.open);
  put("org", s.org);
  put("groups", s.groups);
  if (s.chain) p.set("chain", "1");
  if (s.to) p.set("to", s.to);
  return `?${p.toString()}`;
}
