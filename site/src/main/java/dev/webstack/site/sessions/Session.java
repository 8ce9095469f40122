package dev.webstack.site.sessions;

/**
 * One row of the sessions table as a request sees it.
 *
 * @param id SHA-256 (hex) of the cookie's token; the token itself is never stored
 * @param userId the logged-in user, or null for a visitor who has only fetched a form
 * @param username that user's name, or null
 * @param csrfToken the token every form and every unsafe API call must echo
 * @param secondsLeft seconds until the session expires, as the database clock saw it when read
 */
public record Session(String id, Long userId, String username, String csrfToken, long secondsLeft) {

    public boolean isLoggedIn() {
        return userId != null;
    }

    /** Whether a form field or header echoes this session's CSRF token (compared in constant time). */
    public boolean acceptsCsrf(String given) {
        return Tokens.matches(csrfToken, given);
    }

    /** Never prints the CSRF token. */
    @Override
    public String toString() {
        return "Session[userId=" + userId + ", username=" + username + ", secondsLeft=" + secondsLeft + "]";
    }
}
