/** GitHub's page-number pagination: `per_page` (default 30, at most 100), `page`, and a Link header. */
export function paginate<T>(items: T[], url: URL, publicBase: string): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get("per_page") ?? 30) || 30));
  const pageNumber = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const link = (n: number) => {
    const target = new URL(`${publicBase}${url.pathname}${url.search}`);
    target.searchParams.set("per_page", String(perPage));
    target.searchParams.set("page", String(n));
    return target.toString();
  };
  const relations: string[] = [];
  if (pageNumber > 1) relations.push(`<${link(pageNumber - 1)}>; rel="prev"`);
  if (pageNumber < last) relations.push(`<${link(pageNumber + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (pageNumber > 1) relations.push(`<${link(1)}>; rel="first"`);
  return { page, headers: relations.length > 0 ? { link: relations.join(", ") } : {} };
}
