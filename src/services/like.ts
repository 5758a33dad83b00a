/** Escapes LIKE/ILIKE wildcards so a filter typed by a person is matched as plain text (with `escape '\'`). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The same for "starts with": `abc%`. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
