/**
 * A statement's text as sent to Neo4j, without what only a reader of the source needs: the
 * indentation and the lines that are nothing but a `//` comment. neo4j-driver packs the text
 * into 1,400-byte chunks, each a write on the socket, on every request (Bolt has no prepared
 * statements), and the facts read's source text is ~9 KB, a quarter of it comments and
 * indentation (Vietnamese in the comments: two or three bytes a letter). Neo4j keys its plan
 * cache by the text, so the same source always compacts to the same text.
 *
 * Only whole-line comments go: a `//` after code could be inside a string literal. Our
 * statements hold no multi-line string literal, where a line starting with `//` would be data.
 */
const INDENT = /\n[ \t]+/g;
const COMMENT_LINES = /^[ \t]*\/\/[^\n]*\n/gm;

/** Compacted texts by source text; the statements are a fixed set, this bounds it anyway. */
const compacted = new Map<string, string>();
const MAX_HELD = 1000;

export function compactCypher(cypher: string): string {
  const held = compacted.get(cypher);
  if (held !== undefined) return held;
  const text = cypher.replace(COMMENT_LINES, "").replace(INDENT, "\n").trim();
  if (compacted.size >= MAX_HELD) compacted.clear();
  compacted.set(cypher, text);
  return text;
}
