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
