// UI strings of the backups page (English and Russian); registered by src/i18n.ts.
import type { Entry } from "../lib/i18n/entry.ts";
import type { Dictionary } from "../lib/i18n.ts";

export const en = {
  "backups.title": "Backups",
  "backups.now": "Back up now",
  "backups.running": "Backing up…",
  "backups.schedule": {
    one: "A backup is taken every hour into {dir}; the newest {keep} are kept.",
    other: "A backup is taken every {count} hours into {dir}; the newest {keep} are kept.",
  },
  "backups.scheduleOff": "Scheduled backups are off (BACKUP_INTERVAL_HOURS=0); the newest {keep} are kept.",
  "backups.media": "Media files are archived with each backup.",
  "backups.noMedia": "Media files are not included (set BACKUP_INCLUDE_MEDIA=true to archive them too).",
  "backups.empty": "No backups yet.",
  "backups.emptyHint": "Take the first one now, or wait for the schedule.",
  "backups.download": "Download",
  "backups.downloadMedia": "Media archive",
  "backups.kind.postgres": "PostgreSQL dump",
  "backups.kind.pglite": "Embedded database",
  "backups.done": "Backup {name} written.",
  "backups.failed": "Backup failed: {reason}",
  "backups.lastError": "The last backup failed ({when}): {reason}",
  "backups.restoreHint":
    "To restore, stop the app and run “greeninbox restore FILE” against an empty database (see docs/deploy-and-backup.md).",
} as const satisfies Record<string, Entry>;

export const ru: Record<keyof typeof en, Entry> = {
  "backups.title": "Резервные копии",
  "backups.now": "Сделать копию",
  "backups.running": "Создаём копию…",
  "backups.schedule": {
    one: "Копия создаётся каждый {count} час в {dir}; хранятся {keep} последних.",
    few: "Копия создаётся каждые {count} часа в {dir}; хранятся {keep} последних.",
    many: "Копия создаётся каждые {count} часов в {dir}; хранятся {keep} последних.",
    other: "Копия создаётся каждые {count} часа в {dir}; хранятся {keep} последних.",
  },
  "backups.scheduleOff": "Копии по расписанию выключены (BACKUP_INTERVAL_HOURS=0); хранятся {keep} последних.",
  "backups.media": "Медиафайлы архивируются вместе с каждой копией.",
  "backups.noMedia": "Медиафайлы не входят в копию (BACKUP_INCLUDE_MEDIA=true добавит их архив).",
  "backups.empty": "Копий пока нет.",
  "backups.emptyHint": "Сделайте первую сейчас или дождитесь расписания.",
  "backups.download": "Скачать",
  "backups.downloadMedia": "Архив медиа",
  "backups.kind.postgres": "Дамп PostgreSQL",
  "backups.kind.pglite": "Встроенная база",
  "backups.done": "Копия {name} создана.",
  "backups.failed": "Копию сделать не удалось: {reason}",
  "backups.lastError": "Последняя копия не удалась ({when}): {reason}",
  "backups.restoreHint":
    "Чтобы восстановить, остановите приложение и выполните «greeninbox restore ФАЙЛ» на пустой базе (см. docs/deploy-and-backup.md).",
};

declare module "../lib/i18n.ts" {
  interface Messages extends Dictionary<typeof en> {}
}
