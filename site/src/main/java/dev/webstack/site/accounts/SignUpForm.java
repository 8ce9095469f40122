package dev.webstack.site.accounts;

import dev.webstack.site.web.FieldErrors;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The sign-up fields and their rules. The username is trimmed and lower-cased (so "Alice" and "alice" are one
 * name), then must be 3 to 30 of a-z, 0-9 and _. The password is taken exactly as typed (spaces count) and
 * must be 8 to 72 bytes in UTF-8.
 *
 * @param username the normalised username
 * @param password the password as typed
 */
public record SignUpForm(String username, String password) {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9_]{3,30}");

    public static SignUpForm of(String username, String password) {
        return new SignUpForm(normaliseUsername(username), password == null ? "" : password);
    }

    static String normaliseUsername(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    FieldErrors validate() {
        FieldErrors errors = FieldErrors.none();
        if (username.isEmpty()) {
            errors.add("username", "Choose a username.");
        } else if (username.length() < 3 || username.length() > 30) {
            errors.add("username", "A username has 3 to 30 characters.");
        } else if (!USERNAME.matcher(username).matches()) {
            errors.add("username", "Use only letters a-z, digits 0-9 and _.");
        }
        int bytes = Passwords.length(password);
        if (password.isEmpty()) {
            errors.add("password", "Choose a password.");
        } else if (bytes < Passwords.MIN_BYTES) {
            errors.add("password", "A password has at least " + Passwords.MIN_BYTES + " characters.");
        } else if (bytes > Passwords.MAX_BYTES) {
            errors.add("password", "A password has at most " + Passwords.MAX_BYTES + " bytes (" + Passwords.MAX_BYTES
                    + " plain letters; accented letters and emoji count 2 to 4).");
        }
        return errors;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SignUpForm[username=" + username + "]";
    }
}
