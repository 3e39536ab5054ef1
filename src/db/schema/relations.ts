// Relations between the tables (for drizzle's relational queries, `db.query.<table>.findMany({ with })`); no SQL.
import { relations } from "drizzle-orm";
import { auditLog } from "./audit.ts";
import { chatReads, chats, messages, reactions } from "./inbox.ts";
import { historyImports, instanceStateLog, instances } from "./instances.ts";
import { notifications } from "./intake.ts";
import { chatLabels, labels, quickReplies } from "./team.ts";
import { telegramCodes, telegramPosts } from "./telegram.ts";
import { oauthAccounts, sessions, userInstances, users } from "./users.ts";

export const instancesRelations = relations(instances, ({ many }) => ({
  chats: many(chats),
  messages: many(messages),
  notifications: many(notifications),
  stateLog: many(instanceStateLog),
  historyImports: many(historyImports),
  userInstances: many(userInstances),
  quickReplies: many(quickReplies),
  telegramPosts: many(telegramPosts),
}));

export const chatsRelations = relations(chats, ({ one, many }) => ({
  instance: one(instances, { fields: [chats.instanceId], references: [instances.id] }),
  assignee: one(users, { fields: [chats.assigneeId], references: [users.id] }),
  messages: many(messages),
  reads: many(chatReads),
  labels: many(chatLabels),
}));

export const messagesRelations = relations(messages, ({ one, many }) => ({
  chat: one(chats, { fields: [messages.chatId], references: [chats.id] }),
  instance: one(instances, { fields: [messages.instanceId], references: [instances.id] }),
  senderUser: one(users, { fields: [messages.senderUserId], references: [users.id] }),
  reactions: many(reactions),
  telegramPosts: many(telegramPosts),
}));

export const reactionsRelations = relations(reactions, ({ one }) => ({
  message: one(messages, { fields: [reactions.messageId], references: [messages.id] }),
}));

export const chatReadsRelations = relations(chatReads, ({ one }) => ({
  user: one(users, { fields: [chatReads.userId], references: [users.id] }),
  chat: one(chats, { fields: [chatReads.chatId], references: [chats.id] }),
}));

export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  userInstances: many(userInstances),
  oauthAccounts: many(oauthAccounts),
  telegramCodes: many(telegramCodes),
  auditLog: many(auditLog),
  assignedChats: many(chats),
  sentMessages: many(messages),
  chatReads: many(chatReads),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const userInstancesRelations = relations(userInstances, ({ one }) => ({
  user: one(users, { fields: [userInstances.userId], references: [users.id] }),
  instance: one(instances, { fields: [userInstances.instanceId], references: [instances.id] }),
}));

export const oauthAccountsRelations = relations(oauthAccounts, ({ one }) => ({
  user: one(users, { fields: [oauthAccounts.userId], references: [users.id] }),
}));

export const telegramCodesRelations = relations(telegramCodes, ({ one }) => ({
  user: one(users, { fields: [telegramCodes.userId], references: [users.id] }),
}));

export const auditLogRelations = relations(auditLog, ({ one }) => ({
  user: one(users, { fields: [auditLog.userId], references: [users.id] }),
}));

export const notificationsRelations = relations(notifications, ({ one }) => ({
  instance: one(instances, { fields: [notifications.instanceId], references: [instances.id] }),
}));

export const instanceStateLogRelations = relations(instanceStateLog, ({ one }) => ({
  instance: one(instances, { fields: [instanceStateLog.instanceId], references: [instances.id] }),
}));

export const historyImportsRelations = relations(historyImports, ({ one }) => ({
  instance: one(instances, { fields: [historyImports.instanceId], references: [instances.id] }),
}));

export const labelsRelations = relations(labels, ({ many }) => ({
  chatLabels: many(chatLabels),
}));

export const chatLabelsRelations = relations(chatLabels, ({ one }) => ({
  chat: one(chats, { fields: [chatLabels.chatId], references: [chats.id] }),
  label: one(labels, { fields: [chatLabels.labelId], references: [labels.id] }),
}));

export const quickRepliesRelations = relations(quickReplies, ({ one }) => ({
  instance: one(instances, { fields: [quickReplies.instanceId], references: [instances.id] }),
}));

export const telegramPostsRelations = relations(telegramPosts, ({ one }) => ({
  instance: one(instances, { fields: [telegramPosts.instanceId], references: [instances.id] }),
  message: one(messages, { fields: [telegramPosts.messageId], references: [messages.id] }),
}));
