package dev.webstack.site.accounts;

/**
 * A user as stored: what log-in needs.
 *
 * @param id the user id
 * @param username lower-case, 3 to 30 of [a-z0-9_]
 * @param passwordHash the bcrypt hash ($2a$10$...)
 */
public record Account(long id, String username, String passwordHash) {

    /** Never prints the hash. */
    @Override
    public String toString() {
        return "Account[id=" + id + ", username=" + username + "]";
    }
}
