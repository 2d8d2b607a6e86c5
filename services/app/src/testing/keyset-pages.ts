/**
 * Walks a keyset-paginated list the way a client does: asks for the first page, then for each
 * next one with the cursor the last answer gave, until an answer gives none. Returns every page's
 * items in order. Each answer must be a 200; a list that never ends fails after `maxPages`.
 */
export interface PageAnswer<T> {
  status: number;
  body: { data: T[]; cursor: string | null };
}

export async function allPages<T>(askPage: (cursor: string | null) => Promise<PageAnswer<T>>, maxPages = 50): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const answer: PageAnswer<T> = await askPage(cursor);
    if (answer.status !== 200) throw new Error(`page ${page + 1} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.data);
    cursor = answer.body.cursor;
    if (cursor === null) return items;
  }
  throw new Error(`more than ${maxPages} pages`);
}
