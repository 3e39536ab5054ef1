// The layering of GreenInbox as dependency-cruiser rules: lib and config at the bottom, then db, then the capabilities
// in one fixed order, then the composition files that know everyone; views render what they are given. Every rule
// says, when it fails, why it exists and what to do instead. Run with `npm run lint:deps`.

// Capabilities, lowest first: a folder may import (values) only the folders listed before it. Types may be imported
// downward too (`import type` is erased). A new folder under src/ must be added here, where it belongs.
const CAPABILITIES = [
  "metrics",
  "events", // the bus and typed event maps only
  "auth", // sessions, permissions, middleware, csrf, cookies, tokens, throttle, two-factor primitives
  "audit",
  "users",
  "greenapi", // the transport: client, rate limiter, gateway, intake journal
  "conversations", // the only writer of chats, messages and reactions; publishes domain events
  "instances",
  "team",
  "inbox", // web chat pages, chat list reads, media, presence
  "telegram",
  "push", // Web Push: VAPID keys, device subscriptions, a push per new customer message; the service worker route
  "live", // SSE routes and rendering of live fragments
  "signin", // sign-in, OAuth, 2FA and link routes (they need users)
  "backups",
  "jobs",
  "cluster",
];

// Folders of views/, lowest first (the root files, such as layout.tsx and the small pages, come last).
const VIEW_FOLDERS = ["components", "auth", "users", "instances", "team", "chats"];

// Test files wire things together (a test may import anything it tests), so the layer rules do not apply to them.
const TEST_FILE = "\\.test\\.tsx?$";
// The composition sits above every capability: the files directly in src/ other than config.ts (deps, app, server,
// main, i18n, …) and the command line in src/cli/.
const COMPOSITION = "^src/([^/]+\\.tsx?$|cli/)";
const VALUES_ONLY = ["type-only"];

const below = (list, name) => list.slice(0, list.indexOf(name));
const above = (list, name) => list.slice(list.indexOf(name) + 1);
const alternatives = (names) => `(${names.join("|")})`;

const capabilityOrder = CAPABILITIES.filter((name) => above(CAPABILITIES, name).length > 0).map((name) => ({
  name: `capability-order-${name}`,
  severity: "error",
  comment:
    `no folder cycles: src/${name} may import (values) only the capabilities below it ` +
    `(${below(CAPABILITIES, name).join(", ") || "none"}), plus src/lib, src/db, src/config.ts and views. ` +
    `To use something from a capability above it, publish a typed event that the upper folder subscribes to, ` +
    `move the shared code down, or pass it in from src/deps.ts. The order lives in .dependency-cruiser.cjs.`,
  from: { path: `^src/${name}/`, pathNot: TEST_FILE },
  to: { path: `^src/${alternatives(above(CAPABILITIES, name))}/`, dependencyTypesNot: VALUES_ONLY },
}));

const viewOrder = VIEW_FOLDERS.map((name) => ({
  name: `view-order-${name}`,
  severity: "error",
  comment:
    `no folder cycles: views/${name} may import (values) only the view folders below it ` +
    `(${below(VIEW_FOLDERS, name).join(", ") || "none"}); the order lives in .dependency-cruiser.cjs. ` +
    `Move the shared piece down (e.g. into views/components), or pass the rendered part in as a prop.`,
  from: { path: `^views/${name}/`, pathNot: TEST_FILE },
  to: {
    path: `^views/(${[...above(VIEW_FOLDERS, name).map((folder) => `${folder}/`), "[^/]+\\.tsx?$"].join("|")})`,
    dependencyTypesNot: VALUES_ONLY,
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "lib-imports-no-capability",
      severity: "error",
      comment:
        "src/lib is the ground floor: it imports only other src/lib modules, src/config.ts and npm packages (types " +
        "included). Move the code down into src/lib, or pass it in from src/deps.ts where the app is composed.",
      from: { path: "^src/lib/", pathNot: TEST_FILE },
      to: { path: "^(src|views)/", pathNot: "^src/(lib/|config\\.ts$)" },
    },
    {
      name: "db-below-capabilities",
      severity: "error",
      comment:
        "src/db sits below the capabilities: it imports only src/db, src/lib and src/config.ts. Put the query helper " +
        "into the capability that owns the data, or move the shared piece into src/db.",
      from: { path: "^src/db/", pathNot: TEST_FILE },
      to: { path: "^(src|views)/", pathNot: "^src/(db/|lib/|config\\.ts$)" },
    },
    {
      name: "views-render-only",
      severity: "error",
      comment:
        "views render the data they are given: their values come only from src/lib, src/config.ts and other views. " +
        "`import type` of a capability's types is fine. Compute it in the route (a service call, a query, a permission " +
        "check such as canManage) and pass the result in as a prop.",
      from: { path: "^views/", pathNot: TEST_FILE },
      to: { path: "^src/", pathNot: "^src/(lib/|config\\.ts$)", dependencyTypesNot: VALUES_ONLY },
    },
    {
      name: "src-never-imports-test",
      severity: "error",
      comment:
        "application code never imports test code: whatever both need (a fake, a fixture generator) moves into src/, " +
        "and the test imports it from there.",
      from: { path: "^(src|views)/", pathNot: TEST_FILE },
      to: { path: "^test/" },
    },
    {
      name: "capabilities-not-composition",
      severity: "error",
      comment:
        "only the composition (src/deps.ts, src/app.tsx, src/server.ts, src/main.ts, src/i18n.ts, the other files " +
        "directly in src/, and src/cli/) knows every capability. A capability gets what it needs passed in (a " +
        "parameter, its deps) instead of importing the place that builds the app.",
      from: { path: "^src/[^/]+/", pathNot: [COMPOSITION, "^src/(lib|db)/", TEST_FILE] },
      to: { path: COMPOSITION, pathNot: "^src/config\\.ts$", dependencyTypesNot: VALUES_ONLY },
    },
    {
      name: "capability-not-in-order",
      severity: "error",
      comment:
        "every folder under src/ has a place in the capability order at the top of .dependency-cruiser.cjs; this one " +
        "has none, so its imports cannot be checked. Add it to CAPABILITIES where it belongs (or merge it into one).",
      from: {
        path: "^src/[^/]+/",
        pathNot: [`^src/${alternatives(["lib", "db", "cli", ...CAPABILITIES])}/`, TEST_FILE],
      },
      to: {},
    },
    {
      name: "view-folder-not-in-order",
      severity: "error",
      comment:
        "every folder under views/ has a place in the view order at the top of .dependency-cruiser.cjs; this one has " +
        "none, so its imports cannot be checked. Add it to VIEW_FOLDERS where it belongs.",
      from: { path: "^views/[^/]+/", pathNot: [`^views/${alternatives(VIEW_FOLDERS)}/`, TEST_FILE] },
      to: {},
    },
    ...capabilityOrder,
    ...viewOrder,
    {
      name: "no-circular",
      severity: "error",
      comment:
        "modules import each other in a circle (value imports). Break it: move what both need into a third module " +
        "below them, or turn the call upward into an event.",
      from: { pathNot: TEST_FILE },
      to: { circular: true, dependencyTypesNot: VALUES_ONLY, viaOnly: { dependencyTypesNot: VALUES_ONLY } },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "this import does not resolve to a file or an installed package: fix the path (moved file?) or add the package.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^node_modules/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types", "bun"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
