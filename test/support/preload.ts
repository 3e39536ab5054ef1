// Loaded before every test file: closes and drops the shared test database when the run ends.
import { afterAll } from "bun:test";
import { closeTestDatabase } from "./db.ts";

afterAll(async () => {
  await closeTestDatabase();
});
