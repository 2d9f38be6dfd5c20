/** Page-number pagination (Inspur `/servers/{pageNo}/{pageSize}`, BridgX pagers). 1-based pages. */
export interface NumberedPage<T> {
  items: T[];
  total: number;
  pageNo: number;
  pageSize: number;
}

export function pageByNumber<T>(items: readonly T[], pageNo: number, pageSize: number): NumberedPage<T> {
  const page = Math.max(1, Math.floor(pageNo));
  const size = Math.max(1, Math.floor(pageSize));
  const start = (page - 1) * size;
  return { items: items.slice(start, start + size), total: items.length, pageNo: page, pageSize: size };
}
