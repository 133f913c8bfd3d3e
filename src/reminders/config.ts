/**
 * The reminder subscriptions, from the YAML file REMINDERS_FILE:
 *
 *   subscriptions:
 *     - id: lam-dong-chat             # part of each reminder's key: keep it stable
 *       units: [tinh-uy-lam-dong-2025]
 *       types: [REPORT, MEETING, TASK] # default: all three
 *       daysBefore: 3                  # or a list, e.g. [7, 1]: one reminder in each window
 *       includeSubtree: false          # true: also every unit below (in force that day)
 *       format: synology               # or json (a generic JSON webhook)
 *       webhookEnv: LAM_DONG_CHAT_WEBHOOK
 *
 * The webhook URL (which holds Synology Chat's token) is read from the environment variable the
 * entry names, never from the file, so no secret lives in the repository. A bad file or a
 * missing variable stops with one line naming it.
 *
 * The file lives beside the subscriptions stored in Neo4j (the GraphQL mutations): the scheduler
 * and `npm run reminders` send both. Its entries are the operator's, outside any editor's reach,
 * and are not listed by the API.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { CALENDAR_ENTRY_TYPES } from "../domain/calendar.ts";
import { UNIT_ID } from "../domain/ids.ts";
import { MAX_DAYS_BEFORE, MAX_LEADS, REMINDER_FORMATS, type Subscription } from "./message.ts";

const fileSchema = z.object({
  subscriptions: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
      units: z.array(z.string().regex(UNIT_ID)).min(1),
      types: z
        .array(z.enum(CALENDAR_ENTRY_TYPES as ["REPORT", "MEETING", "TASK"]))
        .default(["REPORT", "MEETING", "TASK"]),
      daysBefore: z
        .union([z.number(), z.array(z.number()).min(1).max(MAX_LEADS)])
        .default(3)
        .transform((d) => [...new Set(Array.isArray(d) ? d : [d])])
        .refine((d) => d.every((n) => Number.isInteger(n) && n >= 0 && n <= MAX_DAYS_BEFORE), {
          message: `each lead day is a whole number from 0 to ${MAX_DAYS_BEFORE}`,
        }),
      includeSubtree: z.boolean().default(false),
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
