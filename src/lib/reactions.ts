// The quick reactions offered in a bubble's menu (WhatsApp's own row), shared by the view and the route's validator.
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;
