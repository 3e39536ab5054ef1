// An empty state: what is missing and what to do next.
import type { FC, PropsWithChildren } from "hono/jsx";

export const EmptyState: FC<PropsWithChildren<{ title: string; hint?: string }>> = ({ title, hint, children }) => (
  <div class="empty" role="status">
    <p class="empty-title">{title}</p>
    {hint && <p class="muted">{hint}</p>}
    {children}
  </div>
);
