import { describe, expect, test } from "bun:test";
import { isGreenApiMediaUrl, typeFitsKind } from "./media-fetch.ts";
import { contentDisposition } from "./media-routes.ts";

const instance = { idInstance: 7103123456, apiUrl: "https://7103.api.greenapi.com", mediaUrl: "https://7103.media.greenapi.com" };

describe("media URL allowlist", () => {
  test("the instance's hosts, Green-API's universal hosts and its storage hosts, over https", () => {
    for (const url of [
      "https://7103.media.greenapi.com/files/a.jpg",
      "https://7103.api.greenapi.com/x",
      "https://media.green-api.com/x",
      "https://api.green-api.com/x",
      "https://sw-media.storage.yandexcloud.net/7103123456/u.jpg",
      "https://sw-media-out.storage.yandexcloud.net/7103123456/u.jpg",
    ]) expect(isGreenApiMediaUrl(url, instance), url).toBe(true);
  });

  test("other hosts, other instances' dedicated hosts, plain http, ports, credentials and junk are refused", () => {
    for (const url of [
      "https://1101.media.greenapi.com/a.jpg",
      "http://sw-media.storage.yandexcloud.net/a.jpg",
      "https://sw-media.storage.yandexcloud.net:8443/a.jpg",
      "https://user:pw@media.green-api.com/a.jpg",
      "https://storage.yandexcloud.net/a.jpg",
      "https://evil.com/?https://media.green-api.com/",
      "file:///etc/passwd",
      "not a url",
    ]) expect(isGreenApiMediaUrl(url, instance), url).toBe(false);
  });

  test("a self-hosted or test instance's own origin is allowed with its scheme and port only", () => {
    const local = { idInstance: 1, apiUrl: "http://127.0.0.1:8080", mediaUrl: "http://127.0.0.1:8081" };
    expect(isGreenApiMediaUrl("http://127.0.0.1:8081/files/a", local)).toBe(true);
    expect(isGreenApiMediaUrl("http://127.0.0.1:9999/files/a", local)).toBe(false);
    expect(isGreenApiMediaUrl("https://127.0.0.1:8081/files/a", local)).toBe(false);
  });
});

describe("content checks and headers", () => {
  test("content types must fit the announced kind", () => {
    expect(typeFitsKind("image/jpeg", "image")).toBe(true);
    expect(typeFitsKind("text/html", "image")).toBe(false);
    expect(typeFitsKind("audio/ogg", "voice")).toBe(true);
    expect(typeFitsKind("application/x-msdownload", "document")).toBe(true);
  });

  test("Content-Disposition carries an ASCII fallback and an RFC 5987 UTF-8 name", () => {
    expect(contentDisposition("attachment", `a "b".pdf`)).toBe(`attachment; filename="a _b_.pdf"; filename*=UTF-8''a%20%22b%22.pdf`);
    expect(contentDisposition("inline", "it's (1).jpg")).toBe(`inline; filename="it's (1).jpg"; filename*=UTF-8''it%27s%20%281%29.jpg`);
  });
});
