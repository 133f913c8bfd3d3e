/**
 * The iCalendar feed of a unit's calendar: `GET /calendar/{unitId}.ics` with optional
 * `from`, `to` (yyyy-mm-dd; default 1 January of last year to 31 December of next year, or
 * with one end given the year before or after it),
 * `asOf` and `types` (REPORT, MEETING, TASK; comma-separated or repeated). Built with
 * ical-generator as an RFC 5545 calendar that Outlook, Google Calendar and Thunderbird can
 * subscribe to: every entry is an all-day event with a stable UID (the entry's id), DTSTAMP,
 * a Vietnamese title and a description naming its basis; a meeting with a papers deadline
 * gets a second event on that day. X-WR-CALNAME names the calendar; REFRESH-INTERVAL asks
 * subscribers to poll every 6 hours.
 *
 * Errors are one line of JSON with the request id: an unknown unit is 404, a bad parameter
 * 400 naming it, a refused token 401 and a refused read 403 (as for /graphql).
 */
import type { Express, Request, Response } from "express";
import ical, { ICalCalendarMethod, ICalEventTransparency } from "ical-generator";
import {
  CALENDAR_ENTRY_TYPES,
  type CalendarEntryType,
  type CalendarWindow,
  ENTRY_TYPE_LABELS,
} from "../domain/calendar.ts";
import { citationLabel } from "../domain/citations.ts";
import { addDays, vietnameseDate } from "../domain/due-dates.ts";
import { badInput } from "../domain/errors.ts";
import { type Frequency, frequencyLabel } from "../domain/frequencies.ts";
import { appendToId } from "../domain/ids.ts";
import { TASK_ROLES, type TaskRole } from "../domain/relation-types.ts";
import type { Context } from "../graphql/context.ts";
import { loadCitations, loadUnits } from "../graphql/services/lookups.ts";
import {
  type CalendarEntryView,
  type UnitCalendar,
  unitCalendar,
} from "../graphql/services/unit-calendar.ts";
import { failure, requestIdOf, sendFailure, sendRouteFailure } from "./errors.ts";
import {
  dateParam,
  downloadReader,
  feedContext,
  principalContext,
  queryList,
  queryParam,
  type ReaderDeps,
  urlReader,
} from "./request-context.ts";

/** The domain of every event's UID: stable whatever host serves the feed. */
const UID_DOMAIN = "party-org-graph";
const EXCERPT_MAX = 300;

export function mountCalendarFeed(app: Express, deps: ReaderDeps): void {
  app.get("/calendar/:file", async (req: Request, res: Response) => {
    try {
      const file = String(req.params.file ?? "");
      if (!file.endsWith(".ics") || file.length <= 4)
        return sendFailure(
          req,
          res,
          failure("NOT_FOUND", `No calendar at ${req.path}; use /calendar/{unitId}.ics`),
        );
      const unitId = file.slice(0, -4);
      const ctx = await calendarContext(req, deps, requestIdOf(res), unitId);
      const window = requestedWindow(req, ctx.today);
      const calendar = await unitCalendar(ctx, {
        unitId,
        window,
        asOf: dateParam(req, "asOf"),
        types: typesParam(req),
        names: { unitId: "unitId", from: "from", to: "to" },
      });
      const text = await icsText(calendar, window, ctx);
      res
        .status(200)
        .type("text/calendar; charset=utf-8")
        .setHeader("content-disposition", `inline; filename="${encodeURIComponent(calendar.unit.id)}.ics"`)
        .setHeader("cache-control", "private, max-age=900")
        .send(text);
    } catch (e) {
      sendRouteFailure(req, res, e, deps.log, "calendar feed");
    }
  });
}

/**
 * The reader: a feed link (`?feed=`, minted by mintFeedCapability) when there is one, else the
 * Authorization header, else a viewer's `?access_token=` (src/http/request-context.ts).
 */
async function calendarContext(
  req: Request,
  deps: ReaderDeps,
  requestId: string,
  unitId: string,
): Promise<Context> {
  const feed = queryParam(req, "feed");
  if (feed !== undefined) {
    // A writer's token beside the link has leaked all the same: its holder should learn so.
    await urlReader(req, deps.verifyToken);
    return feedContext(deps, requestId, feed, { kind: "calendar", unitId });
  }
  return principalContext(deps, requestId, await downloadReader(req, deps.verifyToken));
}

/** Default window: last year to next year; with one end given, the year before or after it. */
function requestedWindow(req: Request, today: string): CalendarWindow {
  const year = (d: string) => Number(d.slice(0, 4));
  const givenFrom = dateParam(req, "from");
  const givenTo = dateParam(req, "to");
  return {
    from: givenFrom ?? `${year(givenTo ?? today) - 1}-01-01`,
    to: givenTo ?? `${year(givenFrom ?? today) + 1}-12-31`,
  };
}

/** The calendar as RFC 5545 text: an event per dated entry, and one more per papers deadline. */
async function icsText(calendar: UnitCalendar, { from, to }: CalendarWindow, ctx: Context): Promise<string> {
  const cal = ical({
    name: `Lịch báo cáo, hội nghị – ${calendar.unit.name}`,
    description: `Báo cáo, hội nghị và thời hạn nhiệm vụ của ${calendar.unit.name}, ${vietnameseDate(from)} – ${vietnameseDate(to)}. Ngày hạn báo cáo và ngày họp là quy ước cấu hình (${calendar.policy}), không phải quy định của văn bản.`,
    prodId: { company: "party-org-graph", product: "lich-bao-cao", language: "VI" },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 6 * 3600,
    x: { "X-WR-TIMEZONE": "Asia/Ho_Chi_Minh" },
  });
  const stamp = new Date();
  const allDay = (id: string, date: string, summary: string, description: string, category: string) =>
    cal.createEvent({
      id: `${id}@${UID_DOMAIN}`,
      start: utcDay(date),
      end: utcDay(addDays(date, 1)),
      allDay: true,
      stamp,
      summary,
      description,
      categories: [{ name: category }],
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  // All descriptions at once, so that the loaders batch their units and citations.
  const descriptions = await Promise.all(calendar.entries.map((entry) => describe(entry, ctx)));
  for (const [i, entry] of calendar.entries.entries()) {
    const date = entry.date as string;
    const description = descriptions[i] as string;
    allDay(entry.id, date, entry.title, description, ENTRY_TYPE_LABELS[entry.type]);
    if (entry.type === "MEETING" && entry.papersDeadline)
      allDay(
        appendToId(entry.id, "papers"),
        entry.papersDeadline,
        `Hạn gửi tài liệu: ${entry.title}`,
        `Hạn gửi tài liệu hội nghị ngày ${vietnameseDate(date)} (trước ${entry.papersLeadDays} ngày).\n${description}`,
        "Hạn gửi tài liệu",
      );
  }
  return cal.toString();
}

function typesParam(req: Request): CalendarEntryType[] | null {
  const raw = queryList(req, "types");
  if (raw === undefined || raw.join("") === "") return null;
  const values = raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean);
  const bad = values.filter((v) => !CALENDAR_ENTRY_TYPES.includes(v as CalendarEntryType));
  if (bad.length > 0)
    throw badInput(
      "types",
      `unknown type ${bad.map((b) => `"${b}"`).join(", ")}; use ${CALENDAR_ENTRY_TYPES.join(", ")}`,
    );
  return [...new Set(values)] as CalendarEntryType[];
}

/** An all-day date: ical-generator writes a Date without a calendar time zone as its UTC day. */
function utcDay(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

/** The event's description: who, what, when, and the basis with its words. */
async function describe(entry: CalendarEntryView, ctx: Context): Promise<string> {
  const ids = [entry.obligor, entry.recipient, entry.body, ...entry.via].filter((x): x is string => !!x);
  const names = new Map((await loadUnits(ids, ctx)).map((u) => [u.id, u.name]));
  const name = (id: string | null) => (id ? (names.get(id) ?? id) : "");
  const lines: string[] = [];
  if (entry.periodLabel) lines.push(`Kỳ: ${entry.periodLabel}`);
  if (entry.type === "REPORT") {
    lines.push(`Đơn vị ${entry.relation === "NOTIFIES" ? "thông báo" : "báo cáo"}: ${name(entry.obligor)}`);
    lines.push(`Nơi nhận: ${name(entry.recipient)}`);
    if (entry.via.length > 0) lines.push(`Qua: ${entry.via.map(name).join(" → ")}`);
    if (entry.subject) lines.push(`Nội dung: ${entry.subject}`);
  }
  if (entry.type === "MEETING") {
    lines.push(`Cơ quan họp: ${name(entry.body)}`);
    if (entry.papersDeadline)
      lines.push(
        `Hạn gửi tài liệu: ${vietnameseDate(entry.papersDeadline)} (trước ${entry.papersLeadDays} ngày)` +
          (entry.papersDeadlineComplex
            ? `; vấn đề quan trọng, phức tạp: ${vietnameseDate(entry.papersDeadlineComplex)} (trước ${entry.papersLeadDaysComplex} ngày)`
            : ""),
      );
  }
  if (entry.type === "TASK") {
    if (entry.taskRoles.length > 0)
      lines.push(`Vai trò: ${entry.taskRoles.map((r) => TASK_ROLES[r as TaskRole]?.label ?? r).join(", ")}`);
    if (entry.deadlineText) lines.push(`Thời hạn: ${entry.deadlineText}`);
  }
  if (entry.frequency) lines.push(`Định kỳ: ${frequencyLabel(entry.frequency as Frequency)}`);
  if (entry.dueDate) lines.push(`Ngày: ${entry.dueDate.text}`);
  const citations = await loadCitations([...entry.basis, ...(entry.dueDate?.basis ?? [])], ctx);
  for (const c of citations) {
    const excerpt =
      c.provision.excerpt.length > EXCERPT_MAX
        ? `${c.provision.excerpt.slice(0, EXCERPT_MAX - 1).trimEnd()}…`
        : c.provision.excerpt;
    // A document without a number (e.g. a Quy chế "(không ghi số)") is named by its title.
    const doc = c.document.number.startsWith("(") ? c.document.title : c.document.number;
    lines.push(`Căn cứ: ${citationLabel(c.provision, doc)} — ${excerpt}`);
  }
  return lines.join("\n");
}
