// GreenInbox page glue that htmx cannot express: reload when the server says this session's live stream has ended.
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  if (event.detail.type !== "reload") return;
  event.preventDefault();
  // A tab that is already navigating away (e.g. the logout form) never runs this.
  setTimeout(() => location.reload(), 300);
});
