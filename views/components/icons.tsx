// Inline SVG icons (no icon font); decorative, so hidden from screen readers.
import type { FC } from "hono/jsx";

const Svg: FC<{ d: string }> = ({ d }) => (
  <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <path d={d} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
  </svg>
);

export const ChatsIcon = () => <Svg d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z" />;
export const OverviewIcon = () => <Svg d="M4 20V10M10 20V4M16 20v-7M22 20H2" />;
export const PhoneIcon = () => (
  <Svg d="M7 2h10a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H7a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 18h2" />
);
export const UsersIcon = () => (
  <Svg d="M16 20v-1a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v1M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM22 20v-1a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" />
);
export const SettingsIcon = () => (
  <Svg d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-2.9-1.2l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0-1.2-2.9H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.2-2.9l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 2.9-1.2V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 2.9 1.2l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0 1.2 2.9H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
);
export const LogoutIcon = () => <Svg d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9" />;
export const BackIcon = () => <Svg d="M19 12H5M12 19l-7-7 7-7" />;
export const SendIcon = () => <Svg d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z" />;
export const AttachIcon = () => (
  <Svg d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
);
export const SoundIcon = () => <Svg d="M11 5 6 9H2v6h4l5 4V5zM15.5 8.5a5 5 0 0 1 0 7M19 5a10 10 0 0 1 0 14" />;
export const BellIcon = () => <Svg d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" />;
export const MoreIcon = () => <Svg d="M12 6h.01M12 12h.01M12 18h.01" />;
export const MicIcon = () => (
  <Svg d="M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM19 10v2a7 7 0 0 1-14 0v-2M12 19v3M8 22h8" />
);
export const NoteIcon = () => <Svg d="M4 4h12l4 4v12H4zM8 10h8M8 14h8M8 18h5" />;
export const CloseIcon = () => <Svg d="M18 6 6 18M6 6l12 12" />;
export const EmojiIcon = () => (
  <Svg d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01" />
);
export const PrevIcon = () => <Svg d="M15 18l-6-6 6-6" />;
export const NextIcon = () => <Svg d="M9 18l6-6-6-6" />;
export const DownloadIcon = () => <Svg d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3" />;
