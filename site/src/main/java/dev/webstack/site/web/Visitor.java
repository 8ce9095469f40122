package dev.webstack.site.web;

import dev.webstack.site.sessions.Session;
import dev.webstack.site.sessions.SessionStore;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The person behind one request, as far as the session cookie tells. The session is read from the database on
 * first use only, so static files and the health check never touch it. Log-in replaces the session (a token
 * seen before log-in is worthless after: no session fixation).
 */
public final class Visitor {

    static final String COOKIE = "sid";
    private static final String ATTRIBUTE = Visitor.class.getName();

    private final Context ctx;
    private final SessionStore store;
    private Optional<Session> session;

    private Visitor(Context ctx, SessionStore store) {
        this.ctx = ctx;
        this.store = store;
    }

    /** Attaches a visitor to the request; done once, first thing, for every request. */
    static void attach(Context ctx, SessionStore store) {
        ctx.attribute(ATTRIBUTE, new Visitor(ctx, store));
    }

    public static Visitor of(Context ctx) {
        Visitor visitor = ctx.attribute(ATTRIBUTE);
        if (visitor == null) {
            throw new IllegalStateException("Visitor.of before Visitor.attach: the request path skipped a step");
        }
        return visitor;
    }

    /** The live session named by the cookie, if any (reads the database the first time). */
    public Optional<Session> session() {
        if (session == null) {
            String token = ctx.cookie(COOKIE);
            session = token == null ? Optional.empty() : store.find(token);
        }
        return session;
    }

    /** The logged-in session, or an HttpError 401. */
    public Session requireLogin() {
        return session().filter(Session::isLoggedIn).orElseThrow(() -> HttpError.unauthorized("Log in first."));
    }

    public boolean isLoggedIn() {
        return session().map(Session::isLoggedIn).orElse(false);
    }

    /** The CSRF token for a form on this page, starting a visitor session if there is none yet. */
    public String csrfToken() {
        Optional<Session> current = session();
        if (current.isPresent()) {
            return current.get().csrfToken();
        }
        SessionStore.Created created = store.create(null, null);
        writeCookie(created.token(), -1);
        session = Optional.of(created.session());
        return created.session().csrfToken();
    }

    /** Starts a fresh logged-in session (the old one, if any, is deleted). */
    public void logIn(long userId, String username) {
        session().ifPresent(old -> store.delete(old.id()));
        SessionStore.Created created = store.create(userId, username);
        writeCookie(created.token(), SessionStore.ABSOLUTE_SECONDS);
        session = Optional.of(created.session());
    }

    public void logOut() {
        session().ifPresent(old -> store.delete(old.id()));
        session = Optional.empty();
        ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure());
    }

    /** The layout's view of this visitor; reads the session only if asked to (error pages must not). */
    public Frame frame(String title) {
        return frame(title, true);
    }

    /**
     * The layout's view from what is already known: error pages use it, since the error may be that the
     * database is gone, or may have come before the visitor was attached.
     */
    static Frame frameWithoutDatabase(Context ctx, String title) {
        Visitor visitor = ctx.attribute(ATTRIBUTE);
        return visitor == null ? new Frame(title, null, null) : visitor.frame(title, false);
    }

    private Frame frame(String title, boolean mayReadSession) {
        Optional<Session> current = mayReadSession ? session() : session == null ? Optional.empty() : session;
        return new Frame(title,
                current.map(Session::username).orElse(null),
                current.map(Session::csrfToken).orElse(null));
    }

    /**
     * HttpOnly: script cannot read it. SameSite=Lax: other sites' forms do not carry it (CSRF depth). Secure when
     * the visitor came over HTTPS. A visitor session's cookie ends with the browser session (maxAge -1).
     */
    private void writeCookie(String token, long maxAgeSeconds) {
        String maxAge = maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "";
        ctx.res().addHeader("Set-Cookie", COOKIE + "=" + token + "; Path=/" + maxAge + "; HttpOnly; SameSite=Lax" + secure());
    }

    private String secure() {
        return Forwarded.isHttps(ctx) ? "; Secure" : "";
    }
}
