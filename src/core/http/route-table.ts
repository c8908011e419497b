import FindMyWay, { type HTTPMethod } from 'find-my-way';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A copy of the registered routes, so a request for a known path with the wrong
 * method is answered 405 with Allow instead of 404.
 */
export class RouteTable {
  private readonly router = FindMyWay({ ignoreTrailingSlash: false });
  private readonly seen = new Set<string>();

  add(method: string | string[], url: string): void {
    // Catch-all routes (the CORS preflight handler's `OPTIONS *`) match every path, so
    // they say nothing about which paths exist: an unknown path stays 404.
    if (url === '*' || url === '/*') return;
    for (const m of Array.isArray(method) ? method : [method]) {
      const key = `${m} ${url}`;
      if (this.seen.has(key) || !METHODS.includes(m as HTTPMethod)) continue;
      this.seen.add(key);
      this.router.on(m as HTTPMethod, url, () => undefined);
    }
  }

  /** The methods a path answers to; empty when the path is unknown. */
  allowedMethods(url: string): string[] {
    const pathOnly = url.split('?')[0] ?? url;
    return METHODS.filter((m) => this.router.find(m, pathOnly) !== null);
  }
}
