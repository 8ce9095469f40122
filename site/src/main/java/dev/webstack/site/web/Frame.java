package dev.webstack.site.web;

/**
 * What the page layout needs besides the page itself: the title, who is logged in (for the header) and the
 * CSRF token for the header's log-out form and the page's forms.
 *
 * @param title the page title, shown in the browser tab
 * @param username the logged-in user's name, or null
 * @param csrfToken the session's CSRF token, or null when the visitor has no session
 */
public record Frame(String title, String username, String csrfToken) {

    public boolean isLoggedIn() {
        return username != null;
    }
}
