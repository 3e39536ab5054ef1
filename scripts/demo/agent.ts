// A minimal signed-in HTTP client for the demo: keeps cookies and sends the CSRF token with form posts.

export class DemoAgent {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string): Promise<Response> {
    return this.request(path);
  }

  /** Posts a form (arrays become repeated fields) with the CSRF token of the cookie. */
  async post(
    path: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    if (!this.cookies.has("gi_csrf")) await (await this.get("/login")).body?.cancel();
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    body.set("_csrf", this.cookies.get("gi_csrf") ?? "");
    return this.request(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.base, ...headers },
    });
  }

  async login(username: string, password: string): Promise<void> {
    const res = await this.post("/login", { username, password });
    await res.body?.cancel();
    if (res.status !== 303) throw new Error(`demo: could not sign in as ${username} (HTTP ${res.status})`);
  }
}
