// Loaded before every test file: registers the app's UI strings (tests that render without an app find them), and
// closes and drops the shared test database when the run ends.
import { afterAll } from "bun:test";
import { registerAppMessages } from "../../src/i18n.ts";
import { closeTestDatabase } from "./db.ts";

registerAppMessages();

afterAll(async () => {
  await closeTestDatabase();
});
