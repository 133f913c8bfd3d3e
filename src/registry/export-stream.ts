/**
 * Writes the registry as CSV (one sheet per file, UTF-8 with a BOM, formula-escaped cells as the
 * exports do) or as .xlsx (exceljs's streaming WorkbookWriter: the sheet "Đơn vị", then
 * "Quan hệ"), page by page with backpressure, so that the national graph goes out with bounded
 * memory. The pages come from the caller; this module only formats and writes.
 */
import ExcelJS from "exceljs";
import type { Response } from "express";
import { BOM, csvLine } from "../explorer/export-formats.ts";
import { drained, write } from "../http/file-download.ts";
import {
  RELATION_COLUMNS,
  RELATIONS_SHEET,
  type RegistryRelation,
  type RegistryUnit,
  relationCells,
  UNIT_COLUMNS,
  UNITS_SHEET,
  unitCells,
} from "./layout.ts";

export const REGISTRY_FORMATS = ["csv", "xlsx"] as const;
export type RegistryFormat = (typeof REGISTRY_FORMATS)[number];
export const REGISTRY_PARTS = ["units", "relations"] as const;
export type RegistryPart = (typeof REGISTRY_PARTS)[number];

export const REGISTRY_CONTENT_TYPES: Record<RegistryFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export interface RegistrySource {
  units(): AsyncIterable<RegistryUnit[]>;
  relations(): AsyncIterable<RegistryRelation[]>;
}

type Out = Response;

export async function writeRegistryCsv(res: Out, part: RegistryPart, source: RegistrySource): Promise<void> {
  const columns = part === "units" ? UNIT_COLUMNS : RELATION_COLUMNS;
  await write(res, BOM + csvLine(columns.map((c) => c.header)));
  if (part === "units")
    for await (const page of source.units())
      await write(res, page.map((u) => csvLine(unitCells(u))).join(""));
  else
    for await (const page of source.relations())
      await write(res, page.map((r) => csvLine(relationCells(r))).join(""));
}

/** An empty value leaves its cell out, rather than writing an empty one. */
const cell = (v: string | null) => v ?? undefined;

export async function writeRegistryXlsx(res: Out, source: RegistrySource): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: res,
    useStyles: false,
    useSharedStrings: false,
  });
  const units = workbook.addWorksheet(UNITS_SHEET);
  units.addRow(UNIT_COLUMNS.map((c) => c.header)).commit();
  for await (const page of source.units()) {
    for (const u of page) units.addRow(unitCells(u).map(cell)).commit();
    await drained(res);
  }
  units.commit();
  const relations = workbook.addWorksheet(RELATIONS_SHEET);
  relations.addRow(RELATION_COLUMNS.map((c) => c.header)).commit();
  for await (const page of source.relations()) {
    for (const r of page) relations.addRow(relationCells(r).map(cell)).commit();
    await drained(res);
  }
  relations.commit();
  await workbook.commit();
}
