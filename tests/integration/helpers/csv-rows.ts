/** Rows of one of our CSV bodies after its header: split on CRLF outside quotes (cells may hold line breaks). */
export function csvRows(body: string): string[] {
  const rows: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && c === "\r" && body[i + 1] === "\n") {
      rows.push(current);
      current = "";
      i++;
    } else current += c;
  }
  if (current !== "") rows.push(current);
  return rows.slice(1);
}

/** The cells of one CSV row (quoted cells may hold commas; "" is a quote). */
export function csvCells(row: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted && c === '"' && row[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
