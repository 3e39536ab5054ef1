// Team form and query parsing: placeholders, phone of a chat id, custom fields, list filters.
import { describe, expect, test } from "bun:test";
import { contactForm, phoneOfChat } from "./contacts.ts";
import { teamListQuery } from "./filters.ts";
import { fillPlaceholders, quickReplyForm } from "./quick-replies.ts";
import { labelForm } from "./labels.ts";

describe("team forms", () => {
  test("placeholders {name} and {manager} are filled; other braces stay", () => {
    expect(fillPlaceholders("Hi {name}, {manager} here {order} {name}", { name: "Ann", manager: "Bo" })).toBe(
      "Hi Ann, Bo here {order} Ann",
    );
  });

  test("a quick reply needs a code without spaces and a text; empty scope means every number", () => {
    expect(quickReplyForm.parse({ instance: "", code: "hi", text: "Hello" })).toEqual({
      instance: null,
      code: "hi",
      text: "Hello",
    });
    expect(quickReplyForm.parse({ instance: "3", code: "доставка", text: "x" }).instance).toBe(3);
    expect(quickReplyForm.safeParse({ instance: "", code: "two words", text: "x" }).success).toBe(false);
    expect(quickReplyForm.safeParse({ instance: "", code: "ok", text: "  " }).success).toBe(false);
  });

  test("only personal chats have a phone", () => {
    expect(phoneOfChat("79001234567@c.us")).toBe("79001234567");
    expect(phoneOfChat("120363043968066561@g.us")).toBeNull();
    expect(phoneOfChat("1234567890@lid")).toBeNull();
  });

  test("custom fields are 'key: value' lines; lines without a key are dropped", () => {
    const form = contactForm.parse({ name: " ", notes: "", fields: "City: Berlin\nnonsense\n: empty\nVAT: DE 123: 4" });
    expect(form).toEqual({ name: null, notes: null, fields: { City: "Berlin", VAT: "DE 123: 4" } });
  });

  test("label colours are #rrggbb", () => {
    expect(labelForm.parse({ name: "VIP", color: "#FF0000" }).color).toBe("#ff0000");
    expect(labelForm.safeParse({ name: "VIP", color: "red" }).success).toBe(false);
  });

  test("list filters: defaults, and malformed values are ignored rather than refused", () => {
    expect(teamListQuery.parse({})).toEqual({
      tab: "all",
      label: undefined,
      status: undefined,
      assignee: undefined,
      from: undefined,
      to: undefined,
    });
    expect(
      teamListQuery.parse({ tab: "mine", label: "4", status: "pending", assignee: "none", from: "2026-01-02" }),
    ).toMatchObject({ tab: "mine", label: 4, status: "pending", assignee: "none", from: "2026-01-02" });
    expect(
      teamListQuery.parse({ tab: "evil", label: "x", status: "closed", assignee: "-1", from: "yesterday" }),
    ).toMatchObject({ tab: "all", label: undefined, status: undefined, assignee: undefined, from: undefined });
  });
});
