/**
 * The side panel (thông tin đơn vị): kind, level, validity, superior, reporting obligations with
 * each citation readable in place, meeting rules, tasks, the next calendar items with the .ics
 * link (with a token: a feed link minted on request, never the token), and the change history. Three requests, so that one failing leaves the others shown.
 */
import { accessToken, gql, mintCalendarLink } from "./api.ts";
import { escapeHtml as h, vnDate } from "./vocabulary.ts";

const CITATION = "id label article clause excerpt document { number title }";

const DETAILS = `query Unit($id: ID!, $asOf: Date) {
  unit(id: $id) {
    id name nameOn(date: $asOf) kind kindLabel levelLabel(asOf: $asOf) province validFrom validTo synthetic note
    activeOn(date: $asOf)
    superior(asOf: $asOf) { id name kindLabel }
    reportingObligations(asOf: $asOf) {
      obligor { id name } type recipient { id name } frequencyLabels via { id name } subject
      rule { id title } basis { ${CITATION} }
    }
    meetingRules { id body { name } cadenceLabel quorumText papersLeadDays basis { ${CITATION} } }
    tasks(asOf: $asOf) { roleLabel task { id code title deadline { text } plan { title } } }
  }
}`;

const CALENDAR = `query Calendar($id: ID!, $from: Date!, $to: Date!, $asOf: Date) {
  reportingCalendar(unitId: $id, from: $from, to: $to, asOf: $asOf) {
    entries { id date typeLabel title }
    feedPath
  }
}`;

const HISTORY = `query History($id: ID!) {
  history(unitId: $id) { id at operation entity entityId event { kind effectiveOn note } }
}`;

interface Citation {
  id: string;
  label: string;
  excerpt: string | null;
  document: { number: string; title: string };
}

interface UnitDetails {
  id: string;
  name: string;
  nameOn: string;
  kindLabel: string;
  levelLabel: string | null;
  province: string | null;
  validFrom: string | null;
  validTo: string | null;
  synthetic: boolean;
  note: string | null;
  activeOn: boolean;
  superior: { id: string; name: string; kindLabel: string } | null;
  reportingObligations: {
    obligor: { id: string; name: string };
    type: string;
    recipient: { id: string; name: string };
    frequencyLabels: string[];
    via: { id: string; name: string }[];
    subject: string | null;
    rule: { id: string; title: string } | null;
    basis: Citation[];
  }[];
  meetingRules: {
    id: string;
    body: { name: string };
    cadenceLabel: string;
    quorumText: string | null;
    papersLeadDays: number | null;
    basis: Citation[];
  }[];
  tasks: {
    roleLabel: string;
    task: {
      id: string;
      code: string;
      title: string;
      deadline: { text: string | null };
      plan: { title: string };
    };
  }[];
}

const unitLink = (u: { id: string; name: string }) =>
  `<a href="#" class="unit-link" data-unit="${h(u.id)}">${h(u.name)}</a>`;

function citations(basis: Citation[]): string {
  if (basis.length === 0) return `<span class="muted">(minh họa, không có căn cứ văn bản)</span>`;
  return basis
    .map(
      (c) =>
        `<details class="citation"><summary>${h(c.label)}</summary><p class="doc">${h(c.document.number)} — ${h(c.document.title)}</p><blockquote>${h(c.excerpt ?? "")}</blockquote></details>`,
    )
    .join("");
}

function section(title: string, body: string, testId: string): string {
  return `<section data-testid="${testId}"><h3>${title}</h3>${body}</section>`;
}

function renderDetails(u: UnitDetails, asOf: string): string {
  const validity = `${u.validFrom ? vnDate(u.validFrom) : "không rõ"} – ${u.validTo ? vnDate(u.validTo) : "nay"}`;
  const facts = `<dl>
    <dt>Loại</dt><dd data-testid="kind">${h(u.kindLabel)}</dd>
    <dt>Cấp</dt><dd>${h(u.levelLabel ?? "—")}</dd>
    <dt>Tỉnh</dt><dd>${h(u.province ?? "—")}</dd>
    <dt>Hiệu lực</dt><dd>${validity}${u.activeOn ? "" : ` <strong class="warn">(không hiệu lực ngày ${vnDate(asOf)})</strong>`}</dd>
    <dt>Cấp trên trực tiếp</dt><dd data-testid="superior">${u.superior ? `${unitLink(u.superior)} <span class="muted">${h(u.superior.kindLabel)}</span>` : "—"}</dd>
  </dl>${u.synthetic ? `<p class="muted">Đơn vị minh họa (không văn bản nào nêu tên).</p>` : ""}${u.note ? `<p class="note">${h(u.note)}</p>` : ""}`;
  const obligations =
    u.reportingObligations.length === 0
      ? `<p class="muted">Không có.</p>`
      : `<ul>${u.reportingObligations
          .map(
            (o) =>
              `<li data-testid="obligation"><strong>${h(o.obligor.name)}</strong> ${o.type === "NOTIFIES" ? "thông báo" : "báo cáo"} ${unitLink(o.recipient)}${
                o.frequencyLabels.length ? `, <em>${h(o.frequencyLabels.join(", "))}</em>` : ""
              }${o.via.length ? `, qua ${o.via.map(unitLink).join(" → ")}` : ""}${o.subject ? `<div>${h(o.subject)}</div>` : ""}${
                o.rule ? `<div class="muted">Quy định: ${h(o.rule.title)}</div>` : ""
              }${citations(o.basis)}</li>`,
          )
          .join("")}</ul>`;
  const meetings =
    u.meetingRules.length === 0
      ? `<p class="muted">Không có.</p>`
      : `<ul>${u.meetingRules
          .map(
            (m) =>
              `<li>${h(m.body.name)}: họp ${h(m.cadenceLabel)}${m.quorumText ? `, ${h(m.quorumText)}` : ""}${
                m.papersLeadDays ? `, gửi tài liệu trước ${m.papersLeadDays} ngày` : ""
              }${citations(m.basis)}</li>`,
          )
          .join("")}</ul>`;
  const tasks =
    u.tasks.length === 0
      ? `<p class="muted">Không có.</p>`
      : `<ul>${u.tasks
          .map(
            (t) =>
              `<li><strong>${h(t.roleLabel)}</strong>: ${h(t.task.code)}. ${h(t.task.title)}${
                t.task.deadline.text ? ` <em>(${h(t.task.deadline.text)})</em>` : ""
              } <span class="muted">${h(t.task.plan.title)}</span></li>`,
          )
          .join("")}</ul>`;
  return `<h2 data-testid="unit-name">${h(u.nameOn)}</h2>${facts}${section("Chế độ báo cáo", obligations, "obligations")}${section(
    "Chế độ hội nghị",
    meetings,
    "meetings",
  )}${section("Nhiệm vụ", tasks, "tasks")}`;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const failed = (e: unknown) => `<p class="error">${h(e instanceof Error ? e.message : String(e))}</p>`;

export async function renderPanel(target: HTMLElement, unitId: string, asOf: string): Promise<void> {
  target.innerHTML = `<p class="muted">Đang tải…</p>`;
  const [details, calendar, history] = await Promise.allSettled([
    gql<{ unit: UnitDetails | null }>(DETAILS, { id: unitId, asOf }),
    gql<{
      reportingCalendar: {
        entries: { id: string; date: string; typeLabel: string; title: string }[];
        feedPath: string;
      };
    }>(CALENDAR, { id: unitId, from: asOf, to: addDays(asOf, 120), asOf }),
    gql<{
      history: {
        id: string;
        at: string;
        operation: string;
        entity: string;
        entityId: string;
        /** Null when the event touched a unit outside the reader's scopes (READ_ACCESS=scoped). */
        event: { kind: string; effectiveOn: string; note: string | null } | null;
      }[];
    }>(HISTORY, { id: unitId }),
  ]);
  let html = "";
  if (details.status === "rejected") html += failed(details.reason);
  else if (!details.value.unit) html += `<p class="error">Không tìm thấy đơn vị ${h(unitId)}.</p>`;
  else html += renderDetails(details.value.unit, asOf);
  if (calendar.status === "fulfilled") {
    const c = calendar.value.reportingCalendar;
    const items = c.entries.slice(0, 6);
    html += section(
      "Lịch sắp tới",
      `${items.length ? `<ul>${items.map((e) => `<li>${vnDate(e.date)} — <span class="muted">${h(e.typeLabel)}</span> ${h(e.title)}</li>`).join("")}</ul>` : `<p class="muted">Không có mục nào trong 120 ngày.</p>`}${accessToken() ? `<p data-testid="ics-feed"><button type="button" data-testid="ics-mint">Tạo liên kết đăng ký lịch (.ics)</button></p>` : `<p><a data-testid="ics-link" href="${h(c.feedPath)}">Đăng ký lịch (.ics)</a></p>`}`,
      "calendar",
    );
  } else html += section("Lịch sắp tới", failed(calendar.reason), "calendar");
  if (history.status === "fulfilled") {
    const items = history.value.history;
    html += section(
      "Lịch sử thay đổi",
      items.length
        ? `<ul>${items
            .map(
              (c) =>
                `<li>${c.event ? `${vnDate(c.event.effectiveOn)}: ${h(c.event.kind)}` : vnDate(c.at.slice(0, 10))} — ${h(c.entity)} ${h(c.entityId)} (${h(c.operation)})${c.event?.note ? ` <span class="muted">${h(c.event.note)}</span>` : ""}</li>`,
            )
            .join("")}</ul>`
        : `<p class="muted">Chưa có thay đổi nào được ghi nhận.</p>`,
      "history",
    );
  } else html += section("Lịch sử thay đổi", failed(history.reason), "history");
  target.innerHTML = html;
  const mint = target.querySelector<HTMLButtonElement>('[data-testid="ics-mint"]');
  mint?.addEventListener("click", () => void showFeedLink(mint, unitId));
}

/**
 * Mints a feed link for the unit's calendar (read-only, this calendar only, with the reader's
 * scopes) and shows it to copy into Outlook, Google Calendar or Thunderbird.
 */
async function showFeedLink(button: HTMLButtonElement, unitId: string): Promise<void> {
  const place = button.parentElement as HTMLElement;
  button.disabled = true;
  try {
    const { url, expiresAt } = await mintCalendarLink(unitId);
    place.innerHTML = `<a data-testid="ics-link" href="${h(url)}">Đăng ký lịch (.ics)</a>
      <input data-testid="ics-url" readonly value="${h(url)}" />
      <span class="muted">Liên kết chỉ đọc lịch của đơn vị này, hết hạn ${vnDate(expiresAt.slice(0, 10))}; thu hồi bằng revokeFeedCapability.</span>`;
    place.querySelector("input")?.select();
  } catch (e) {
    place.innerHTML = failed(e);
  }
}
