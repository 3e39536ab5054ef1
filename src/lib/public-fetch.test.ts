import { describe, expect, test } from "bun:test";
import { AddressRefusedError, fetchPublic, type Resolver } from "./public-fetch.ts";

/** A fetch that records what it was asked and answers 200. */
function recordingFetch() {
  const calls: Array<{
    url: string;
    host: string | null;
    serverName: string | undefined;
    redirect: string | undefined;
  }> = [];
  const fn = (async (input: string | URL | Request, init?: BunFetchRequestInit) => {
    calls.push({
      url: String(input),
      host: new Headers(init?.headers).get("host"),
      serverName: init?.tls?.serverName,
      redirect: init?.redirect,
    });
    return new Response("ok");
  }) as unknown as typeof fetch;
  return { calls, fn };
}

const resolver = (table: Record<string, string[]>): Resolver & { asked: string[] } => {
  const asked: string[] = [];
  const resolve = async (name: string) => {
    asked.push(name);
    return table[name] ?? [];
  };
  return Object.assign(resolve, { asked });
};

describe("fetchPublic", () => {
  test("connects to the checked address, naming the host in Host and TLS", async () => {
    const { calls, fn } = recordingFetch();
    const resolve = resolver({
      "do-media-7103.fra1.digitaloceanspaces.com": ["162.159.140.229", "172.66.0.227"],
      "v6.example.com": ["2606:4700::6810:84e5"],
    });
    await fetchPublic(
      new URL("https://do-media-7103.fra1.digitaloceanspaces.com/7103/a.jpg?x=1"),
      {},
      { resolve, fetch: fn },
    );
    await fetchPublic(new URL("https://v6.example.com:8443/b"), {}, { resolve, fetch: fn });
    expect(calls).toEqual([
      {
        url: "https://162.159.140.229/7103/a.jpg?x=1",
        host: "do-media-7103.fra1.digitaloceanspaces.com",
        serverName: "do-media-7103.fra1.digitaloceanspaces.com",
        redirect: "manual",
      },
      {
        url: "https://[2606:4700::6810:84e5]:8443/b",
        host: "v6.example.com:8443",
        serverName: "v6.example.com",
        redirect: "manual",
      },
    ]);
    expect(resolve.asked).toEqual(["do-media-7103.fra1.digitaloceanspaces.com", "v6.example.com"]);
  });

  test("a public IP literal is fetched as it is", async () => {
    const { calls, fn } = recordingFetch();
    await fetchPublic(new URL("https://8.8.8.8/x"), {}, { resolve: resolver({}), fetch: fn });
    expect(calls.map((c) => c.url)).toEqual(["https://8.8.8.8/x"]);
  });

  test("refused without a connection: private answers (any one of several), local names, IP literals, http, credentials", async () => {
    const { calls, fn } = recordingFetch();
    const resolve = resolver({
      "cdn.example.com": ["10.0.0.1"],
      "mixed.example.com": ["8.8.8.8", "127.0.0.1"],
      "mapped.example.com": ["::ffff:169.254.169.254"],
      "empty.example.com": [],
    });
    const urls = [
      "https://cdn.example.com/a.jpg",
      "https://mixed.example.com/a.jpg",
      "https://mapped.example.com/a.jpg",
      "https://empty.example.com/a.jpg",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://localhost/a.jpg",
      "https://127.0.0.1/a.jpg",
      "https://10.0.0.1/a.jpg",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::1]/a.jpg",
      "https://[::ffff:127.0.0.1]/a.jpg",
      "https://0x7f.1/a.jpg",
      "http://8.8.8.8/a.jpg",
      "https://user:pw@cdn.example.com/a.jpg",
    ];
    for (const url of urls) {
      const err = await fetchPublic(new URL(url), {}, { resolve, fetch: fn }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(AddressRefusedError);
    }
    expect(calls).toEqual([]);
    // Names that are local whatever they resolve to were not even looked up.
    expect(resolve.asked).toEqual(["cdn.example.com", "mixed.example.com", "mapped.example.com", "empty.example.com"]);
  });

  test("a resolver failure is passed on (the name is unknown, not refused)", async () => {
    const { fn } = recordingFetch();
    const failing: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const err = await fetchPublic(new URL("https://gone.example.com/a"), {}, { resolve: failing, fetch: fn }).catch(
      (e: Error) => e,
    );
    expect(err).not.toBeInstanceOf(AddressRefusedError);
    expect((err as Error).message).toContain("ENOTFOUND");
  });
});
