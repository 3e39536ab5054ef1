// The page shell: head, navigation by permission, flash message, live-update connection.
import type { FC, PropsWithChildren } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { AppEnv } from "../src/env.ts";
import { assetUrl, PAGE_SCRIPTS, PAGE_STYLES } from "../src/lib/assets.ts";
import { ChatsIcon, LogoutIcon, OverviewIcon, PhoneIcon, SettingsIcon, UsersIcon } from "./components/icons.tsx";
import { CsrfField } from "./components/csrf.tsx";
import { InstallBanner } from "./components/install-banner.tsx";

export interface LayoutProps {
  title: string;
  flash?: { kind: "ok" | "error"; text: string } | null;
  /** Show the users page in the navigation (the signed-in user may manage users). */
  showUsers?: boolean;
}

// Error answers (4xx/5xx) are swapped too: the error renderer retargets them next to where the problem happened.
// Settling never copies `style` attributes (the CSP forbids them; a browser-added one would be reported).
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  attributesToSettle: ["class", "width", "height"],
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  selfRequestsOnly: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: false },
    { code: "...", swap: false },
  ],
});

export const Layout: FC<PropsWithChildren<LayoutProps>> = ({ title, flash, showUsers, children }) => {
  const c = useRequestContext<AppEnv>();
  const { t, user, locale, csrfToken } = c.var;
  const path = navSection(c.req.path);
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, viewport-fit=cover, interactive-widget=resizes-content"
        />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>{`${title} · GreenInbox`}</title>
        <link rel="icon" href={assetUrl("icon.svg")} type="image/svg+xml" />
        <link rel="manifest" href={assetUrl("manifest.webmanifest")} />
        {/* The top bar's colour (app.css: --accent-strong, and --surface in the dark theme). */}
        <meta name="theme-color" content="#075e54" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#111b21" media="(prefers-color-scheme: dark)" />
        <link rel="apple-touch-icon" href={assetUrl("icons/apple-touch-icon.png")} />
        <meta name="apple-mobile-web-app-capable" content="yes" />
        <meta name="mobile-web-app-capable" content="yes" />
        <meta name="apple-mobile-web-app-title" content="GreenInbox" />
        {PAGE_STYLES.map((name) => (
          <link rel="stylesheet" href={assetUrl(name)} />
        ))}
        {PAGE_SCRIPTS.map((name) => (
          <script src={assetUrl(name)} defer></script>
        ))}
      </head>
      <body
        hx-boost="true"
        hx-headers={JSON.stringify({ "X-CSRF-Token": csrfToken })}
        {...(user ? { "hx-ext": "sse", "sse-connect": "/events" } : {})}
      >
        <a class="skip" href="#main">
          {t("nav.skip")}
        </a>
        {user && (
          <header class="topbar">
            <a class="brand" href="/">
              GreenInbox
            </a>
            <nav class="nav" aria-label={t("nav.label")}>
              <NavLink href="/chats" current={path} icon={<ChatsIcon />} label={t("nav.chats")} />
              <NavLink href="/overview" current={path} icon={<OverviewIcon />} label={t("nav.overview")} />
              <NavLink href="/instances" current={path} icon={<PhoneIcon />} label={t("nav.instances")} />
              {showUsers && <NavLink href="/users" current={path} icon={<UsersIcon />} label={t("nav.users")} />}
              <NavLink href="/settings" current={path} icon={<SettingsIcon />} label={t("nav.settings")} />
            </nav>
            <form method="post" action="/logout" class="logout" hx-boost="false">
              <CsrfField />
              <button type="submit" class="icon-button" title={t("nav.logout")} aria-label={t("nav.logout")}>
                <LogoutIcon />
              </button>
            </form>
          </header>
        )}
        <main id="main" class={user ? "page" : "page page-narrow"}>
          <div id="flash" aria-live="polite">
            {flash && (
              <p class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
                {flash.text}
              </p>
            )}
          </div>
          {user && (path === "/" || path === "/chats") && <InstallBanner t={t} />}
          {user && <div id="live" sse-swap="notice" hx-swap="innerHTML" aria-live="polite"></div>}
          {user && <div sse-swap="reload" hidden></div>}
          {user && <div sse-swap="notify,unread" hx-swap="none" hidden></div>}
          {children}
        </main>
      </body>
    </html>
  );
};

/** The navigation item a page belongs to: the inbox home, a number's chats and a conversation are "Chats". */
function navSection(path: string): string {
  if (path === "/" || /^\/instances\/\d+\/chats(\/|$)/.test(path)) return "/chats";
  return `/${path.split("/")[1]}`;
}

const NavLink: FC<{ href: string; current: string; icon: unknown; label: string }> = ({
  href,
  current,
  icon,
  label,
}) => {
  const active = current === href;
  return (
    <a href={href} class={active ? "nav-link active" : "nav-link"} aria-current={active ? "page" : undefined}>
      {icon}
      <span>{label}</span>
    </a>
  );
};
