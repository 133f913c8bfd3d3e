/**
 * The reminder subscriptions, from the YAML file REMINDERS_FILE:
 *
 *   subscriptions:
 *     - id: lam-dong-chat             # part of each reminder's key: keep it stable
 *       units: [tinh-uy-lam-dong-2025]
 *       types: [REPORT, MEETING, TASK] # default: all three
 *       daysBefore: 3
 *       format: synology               # or json (a generic JSON webhook)
 *       webhookEnv: LAM_DONG_CHAT_WEBHOOK
 *
 * The webhook URL (which holds Synology Chat's token) is read from the environment variable the
 * entry names, never from the file, so no secret lives in the repository. A bad file or a
 * missing variable stops with one line naming it.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { CALENDAR_ENTRY_TYPES } from "../domain/calendar.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { REMINDER_FORMATS, type Subscription } from "./message.ts";

const fileSchema = z.object({
  subscriptions: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
      units: z.array(z.string().regex(UNIT_ID)).min(1),
      types: z
        .array(z.enum(CALENDAR_ENTRY_TYPES as ["REPORT", "MEETING", "TASK"]))
        .default(["REPORT", "MEETING", "TASK"]),
      daysBefore: z.number().int().min(0).max(60).default(3),
      format: z.enum(REMINDER_FORMATS).default("synology"),
      webhookEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    }),
  ),
});

export class RemindersConfigError extends Error {
  override name = "RemindersConfigError";
}

export function loadSubscriptions(file: string, env: NodeJS.ProcessEnv = process.env): Subscription[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new RemindersConfigError(`REMINDERS_FILE ${file}: ${e instanceof Error ? e.message : e}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RemindersConfigError(`REMINDERS_FILE ${file}: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data.subscriptions.map(({ webhookEnv, ...s }) => {
    const url = env[webhookEnv];
    if (!url || !/^https?:\/\//.test(url))
      throw new RemindersConfigError(
        `REMINDERS_FILE ${file}: subscription ${s.id} needs the webhook URL in ${webhookEnv} (http:// or https://)`,
      );
    return { ...s, webhookUrl: url };
  });
}
