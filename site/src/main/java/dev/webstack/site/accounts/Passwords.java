package dev.webstack.site.accounts;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt with cost {@value #COST}. bcrypt reads at most 72 bytes; rather than silently ignore the rest (two
 * passwords that share 72 bytes would be the same password) the site refuses longer ones at sign-up, and a
 * longer one at log-in is simply wrong.
 */
final class Passwords {

    static final int COST = 10;
    static final int MIN_BYTES = 8;
    static final int MAX_BYTES = 72;

    /** Verified against when the user does not exist, so that case costs the same time as a wrong password. */
    private static final String DECOY_HASH = BCrypt.withDefaults().hashToString(COST, "not a password".toCharArray());

    private Passwords() {
    }

    static int length(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length;
    }

    static String hash(String password) {
        return new String(BCrypt.withDefaults().hash(COST, password.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.US_ASCII);
    }

    /** Whether the password matches; hash null means "no such user" and is checked against a decoy. */
    static boolean verify(String password, String hash) {
        byte[] bytes = password.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_BYTES) {
            bytes = "x".getBytes(StandardCharsets.UTF_8);
            hash = null;
        }
        boolean verified = BCrypt.verifyer().verify(bytes, (hash == null ? DECOY_HASH : hash)
                .getBytes(StandardCharsets.US_ASCII)).verified;
        return hash != null && verified;
    }
}
