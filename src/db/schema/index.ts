// The database schema: one source of truth for tables, used by queries and drizzle-kit.
export * from "./users.ts";
export * from "./instances.ts";
export * from "./inbox.ts";
export * from "./audit.ts";
export * from "./intake.ts";
export * from "./telegram.ts";
export * from "./team.ts";
export * from "./push.ts";
export * from "./relations.ts";
