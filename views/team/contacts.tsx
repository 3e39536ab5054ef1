// Contacts: the list (only customers of visible numbers) and one contact's page with its chats, labels and details.
import type { FC } from "hono/jsx";
import type { Contact } from "../../src/team/contacts.ts";
import type { Label } from "../../src/team/labels.ts";
import type { Translate } from "../../src/lib/i18n.ts";
import { CsrfField } from "../components/csrf.tsx";
import { EmptyState } from "../components/empty.tsx";
import { LabelChip } from "./chips.tsx";
import { initial } from "../../src/lib/names.ts";

const display = (c: Contact) => c.name ?? c.waName ?? `+${c.phone}`;

export const ContactsPage: FC<{
  t: Translate;
  contacts: Contact[];
  q: string;
  links: { labels: boolean; quickReplies: boolean };
}> = ({ t, contacts, q, links }) => (
  <section class="team-page">
    <h1>{t("team.contacts.title")}</h1>
    {(links.labels || links.quickReplies) && (
      <p class="team-links">
        {links.labels && <a href="/labels">{t("team.labels.title")}</a>}
        {links.quickReplies && <a href="/quick-replies">{t("team.qr.title")}</a>}
      </p>
    )}
    <search>
      <form method="get" action="/contacts" class="list-filters">
        <input
          type="search"
          name="q"
          value={q}
          placeholder={t("team.contacts.search")}
          aria-label={t("team.contacts.search")}
        />
      </form>
    </search>
    {contacts.length === 0 ? (
      <EmptyState
        title={q ? t("team.contacts.none", { q }) : t("team.contacts.empty")}
        hint={t("team.contacts.emptyHint")}
      />
    ) : (
      <ul class="team-list">
        {contacts.map((c) => (
          <li class="card team-list-row">
            <a href={`/contacts/${c.id}`}>
              <b>{display(c)}</b>
            </a>
            <span class="muted">+{c.phone}</span>
          </li>
        ))}
      </ul>
    )}
  </section>
);

export interface ContactChat {
  id: number;
  instanceId: number;
  instanceName: string;
  status: string;
  lastMessageAt: Date | null;
}

export const ContactPage: FC<{
  t: Translate;
  contact: Contact;
  chats: ContactChat[];
  labels: Label[];
  avatar: string | null;
  saved?: boolean;
}> = ({ t, contact, chats, labels, avatar }) => (
  <section class="team-page">
    <p>
      <a href="/contacts">← {t("team.contacts.title")}</a>
    </p>
    <header class="contact-head">
      {avatar ? (
        <img class="contact-avatar" src={avatar} alt="" width={64} height={64} />
      ) : (
        <span class="avatar contact-avatar" aria-hidden="true">
          {initial(display(contact))}
        </span>
      )}
      <div>
        <h1>{display(contact)}</h1>
        <p class="muted">
          +{contact.phone}
          {contact.waName && contact.name ? ` · ${t("team.contacts.waName", { name: contact.waName })}` : ""}
        </p>
      </div>
      <form method="post" action={`/contacts/${contact.id}/avatar`}>
        <CsrfField />
        <button type="submit" class="button small">
          {t("team.contacts.avatar")}
        </button>
      </form>
    </header>
    {labels.length > 0 && (
      <p class="team-row">
        {labels.map((l) => (
          <LabelChip label={l} />
        ))}
      </p>
    )}
    <h2>{t("team.contacts.chats")}</h2>
    <ul class="team-list">
      {chats.map((ch) => (
        <li class="card team-list-row">
          <a href={`/instances/${ch.instanceId}/chats/${ch.id}`}>{ch.instanceName}</a>
          <span class={`state-chip state-${ch.status}`}>{t(`team.status.${ch.status as "open"}`)}</span>
        </li>
      ))}
    </ul>
    <form class="card stack" method="post" action={`/contacts/${contact.id}`}>
      <CsrfField />
      <label>
        <span>{t("team.contacts.name")}</span>
        <input type="text" name="name" value={contact.name ?? ""} maxlength={120} placeholder={contact.waName ?? ""} />
      </label>
      <label>
        <span>{t("team.contacts.notes")}</span>
        <textarea name="notes" rows={4} maxlength={4000} aria-describedby="contact-shared">
          {contact.notes ?? ""}
        </textarea>
      </label>
      <p id="contact-shared" class="muted small">
        {t("team.contacts.shared")}
      </p>
      <label>
        <span>{t("team.contacts.fields")}</span>
        <textarea name="fields" rows={4} maxlength={4000} placeholder={t("team.contacts.fieldsHint")}>
          {Object.entries(contact.fields)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n")}
        </textarea>
      </label>
      <button type="submit" class="button primary">
        {t("team.contacts.save")}
      </button>
    </form>
  </section>
);
