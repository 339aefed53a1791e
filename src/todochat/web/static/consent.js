// The OAuth consent page: someone already signed in to the chat page on this browser
// approves with that session's token instead of typing their password again.

const TOKEN_KEY = "todochat.token";

async function useSignedInSession() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return;
  const response = await fetch("/api/auth/me", { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) return;
  const user = await response.json();
  document.getElementById("consent-token").value = token;
  const session = document.getElementById("consent-session");
  session.textContent = `Signed in as ${user.email || user.name || user.id}`;
  session.hidden = false;
  document.getElementById("consent-credentials").hidden = true;
}

useSignedInSession().catch(() => {});
