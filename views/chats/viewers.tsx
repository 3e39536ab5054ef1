// The "also here" line under a conversation's title: colleagues who have the same chat open.
import type { FC } from "hono/jsx";
import type { Translate } from "../../src/lib/i18n.ts";
import type { Viewer } from "../../src/inbox/presence.ts";

export const Viewers: FC<{ t: Translate; viewers: Viewer[] }> = ({ t, viewers }) =>
  viewers.length === 0 ? null : (
    <span class="viewers-list">
      <span class="viewers-dot" aria-hidden="true"></span>
      {t("inbox.viewing", { names: viewers.map((v) => v.name).join(", "), count: viewers.length })}
    </span>
  );
