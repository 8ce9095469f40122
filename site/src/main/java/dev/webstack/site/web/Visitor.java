package dev.webstack.site.web;

import dev.webstack.site.sessions.Session;
import dev.webstack.site.sessions.SessionStore;
import dev.webstack.site.sessions.Tokens;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The person behind one request, as far as the session cookie tells. The session is read from the database on
 * first use only, so static files and the health check never touch it. Log-in replaces the session (a token
 * seen before log-in is worthless after: no session fixation).
 *
 * <p>CSRF tokens: a session's forms carry the session's token. A visitor without a session (someone about to log
 * in or sign up) gets no session, since one per anonymous page view would let crawlers grow the sessions table:
 * the token is a random value in the cookie {@value #CSRF_COOKIE}, which the form's field must equal (double
 * submit). Another site can make a browser send the cookie but cannot read it to put it in the field.
 */
public final class Visitor {

    static final String COOKIE = "sid";
    static final String CSRF_COOKIE = "csrf";
    private static final String ATTRIBUTE = Visitor.class.getName();

    private final Context ctx;
    private final SessionStore store;
    private Optional<Session> session;
    /** The visitor's double-submit token once read or made in this request; null before. */
    private String visitorToken;

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

    /**
     * The CSRF token for a form on this page: the session's, or for a visitor without one the token in the
     * {@value #CSRF_COOKIE} cookie, set here if missing. Writes nothing to the database.
     */
    public String csrfToken() {
        Optional<Session> current = session();
        if (current.isPresent()) {
            return current.get().csrfToken();
        }
        if (visitorToken == null) {
            String fromCookie = ctx.cookie(CSRF_COOKIE);
            if (Tokens.isWellFormed(fromCookie)) {
                visitorToken = fromCookie;
            } else {
                visitorToken = Tokens.random();
                writeCookie(CSRF_COOKIE, visitorToken, -1);
            }
        }
        return visitorToken;
    }

    /**
     * Whether a form's {@code _csrf} field is right (compared in constant time): equal to the session's token, or
     * without a session, to the {@value #CSRF_COOKIE} cookie the form came with.
     */
    boolean acceptsCsrf(String given) {
        Optional<Session> current = session();
        if (current.isPresent()) {
            return current.get().acceptsCsrf(given);
        }
        String fromCookie = ctx.cookie(CSRF_COOKIE);
        return Tokens.isWellFormed(fromCookie) && Tokens.matches(fromCookie, given);
    }

    /** Starts a fresh logged-in session (the old one, if any, is deleted). */
    public void logIn(long userId, String username) {
        logIn(store.create(userId, username));
    }

    /**
     * Makes a session already stored (by the caller, in its own transaction, which has committed) this visitor's:
     * the old one, if any, is deleted and the cookie set.
     */
    public void logIn(SessionStore.Created created) {
        session().ifPresent(old -> store.delete(old.id()));
        writeCookie(COOKIE, created.token(), SessionStore.ABSOLUTE_SECONDS);
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
     * the visitor came over HTTPS. A maxAge of -1 makes a cookie that ends with the browser session.
     */
    private void writeCookie(String name, String value, long maxAgeSeconds) {
        String maxAge = maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "";
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/" + maxAge + "; HttpOnly; SameSite=Lax" + secure());
    }

    private String secure() {
        return Forwarded.isHttps(ctx) ? "; Secure" : "";
    }
}
