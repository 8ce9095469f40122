package dev.webstack.site.accounts;

import dev.webstack.site.data.Database;
import dev.webstack.site.sessions.Session;
import dev.webstack.site.sessions.SessionStore;
import dev.webstack.site.web.FieldErrors;
import dev.webstack.site.web.Forwarded;
import dev.webstack.site.web.Templates;
import dev.webstack.site.web.Visitor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sign up, log in, log out (HTML forms), and {@code GET /api/session}, which tells an API client who it is and
 * the CSRF token its unsafe calls must send. Forms that fail validation come back with status 422 and the
 * message next to the field; a refused log-in is 422; a throttled log-in or sign-up is 429 with Retry-After.
 * Showing the forms writes nothing to the database (the visitor's CSRF token is a cookie, see Visitor).
 */
public final class AccountPages {

    /** Longest username kept for throttling; longer input cannot be a username anyway. */
    private static final int MAX_LOGIN_NAME = 100;

    private final Database database;
    private final SessionStore sessions;
    private final Users users;
    private final LoginThrottle throttle;
    private final SignUpThrottle signUps;
    private final Templates templates;

    public AccountPages(Database database, SessionStore sessions, Templates templates) {
        this.database = database;
        this.sessions = sessions;
        this.users = new Users(database);
        this.throttle = new LoginThrottle(database);
        this.signUps = new SignUpThrottle(database);
        this.templates = templates;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/signup", this::signUpForm);
        routes.post("/signup", this::signUp);
        routes.get("/login", this::logInForm);
        routes.post("/login", this::logIn);
        routes.post("/logout", this::logOut);
        routes.get("/api/session", this::whoAmI);
    }

    /** Housekeeping for the periodic clean-up: forgets log-in and sign-up attempts that no longer count. */
    public int deleteOldAttempts() {
        return throttle.deleteOld() + signUps.deleteOld();
    }

    private void signUpForm(Context ctx) {
        Visitor visitor = Visitor.of(ctx);
        if (visitor.isLoggedIn()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        renderSignUp(ctx, 200, "", FieldErrors.none(), null);
    }

    private void signUp(Context ctx) {
        SignUpForm form = SignUpForm.of(ctx.formParam("username"), ctx.formParam("password"));
        FieldErrors errors = form.validate();
        if (!errors.isEmpty()) {
            renderSignUp(ctx, 422, form.username(), errors, null);
            return;
        }
        long wait = signUps.recordAttempt(Forwarded.clientAddress(ctx));
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            renderSignUp(ctx, 429, form.username(), FieldErrors.none(),
                    "Too many new accounts from your address. Try again in " + minutes(wait) + ".");
            return;
        }
        Optional<SessionStore.Created> session = createAccount(form.username(), Passwords.hash(form.password()));
        if (session.isEmpty()) {
            renderSignUp(ctx, 422, form.username(), FieldErrors.none()
                    .add("username", "That username is taken. Try another one."), null);
            return;
        }
        Visitor.of(ctx).logIn(session.get());
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    /**
     * The user and its first session in one transaction: if the session cannot be stored, neither is the user,
     * and trying again does not meet "That username is taken". Empty when the name is taken.
     */
    private Optional<SessionStore.Created> createAccount(String username, String passwordHash) {
        return database.transaction(connection -> {
            Optional<Account> account = users.create(connection, username, passwordHash);
            if (account.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(sessions.create(connection, account.get().id(), account.get().username()));
        });
    }

    private void logInForm(Context ctx) {
        if (Visitor.of(ctx).isLoggedIn()) {
            ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
            return;
        }
        renderLogIn(ctx, 200, "", safeNext(ctx.queryParam("next")), null);
    }

    private void logIn(Context ctx) {
        String typed = ctx.formParam("username");
        String username = SignUpForm.normaliseUsername(typed);
        if (username.length() > MAX_LOGIN_NAME) {
            username = username.substring(0, MAX_LOGIN_NAME);
        }
        String password = ctx.formParam("password") == null ? "" : ctx.formParam("password");
        String next = safeNext(ctx.formParam("next"));
        String address = Forwarded.clientAddress(ctx);

        // recorded before the password is looked at, so that parallel guesses count each other
        long wait = throttle.recordAttempt(username, address);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            renderLogIn(ctx, 429, username, next, "Too many failed attempts. Try again in " + minutes(wait) + ".");
            return;
        }
        Optional<Account> account = username.isEmpty() ? Optional.empty() : users.find(username);
        boolean verified = Passwords.verify(password, account.map(Account::passwordHash).orElse(null));
        if (!verified) {
            // the attempt's row stays: it is the failure that counts
            renderLogIn(ctx, 422, username, next, "Wrong username or password.");
            return;
        }
        throttle.clear(username);
        Visitor.of(ctx).logIn(account.get().id(), account.get().username());
        ctx.redirect(next, HttpStatus.SEE_OTHER);
    }

    private void logOut(Context ctx) {
        Visitor.of(ctx).logOut();
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    private void whoAmI(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", session.username());
        body.put("csrf_token", session.csrfToken());
        ctx.json(body);
    }

    private void renderSignUp(Context ctx, int status, String username, FieldErrors errors, String message) {
        Visitor visitor = Visitor.of(ctx);
        String csrf = visitor.csrfToken();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("frame", visitor.frame("Sign up"));
        params.put("csrf", csrf);
        params.put("username", username);
        params.put("errors", errors);
        params.put("message", message);
        templates.render(ctx, status, "signup.jte", params);
    }

    private void renderLogIn(Context ctx, int status, String username, String next, String message) {
        Visitor visitor = Visitor.of(ctx);
        String csrf = visitor.csrfToken();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("frame", visitor.frame("Log in"));
        params.put("csrf", csrf);
        params.put("username", username);
        params.put("next", next);
        params.put("message", message);
        templates.render(ctx, status, "login.jte", params);
    }

    /** A wait in whole minutes, rounded up, as the forms say it. */
    private static String minutes(long seconds) {
        long minutes = (seconds + 59) / 60;
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }

    /** Only a path on this site: "//evil.example" or "/\evil.example" would leave it (open redirect). */
    static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > 200 || !next.startsWith("/")
                || next.startsWith("//") || next.contains("\\")
                || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
